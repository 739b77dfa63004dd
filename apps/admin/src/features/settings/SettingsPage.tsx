import { NavLink, useParams } from 'react-router-dom';
import { Badge } from '../../components/ui';
import { useSession } from '../auth/useSession';
import { ApiKeysSection } from './components/ApiKeysSection';
import { ChannelsSection } from './components/ChannelsSection';
import { DeliverySection } from './components/DeliverySection';
import { MembersSection } from './components/MembersSection';
import { TopicsSection } from './components/TopicsSection';
import { WorkspaceSection } from './components/WorkspaceSection';
import './settings.css';

const SECTIONS = [
  { id: 'channels', label: 'Channels' },
  { id: 'api-keys', label: 'API keys' },
  { id: 'topics', label: 'Topics' },
  { id: 'delivery', label: 'Delivery rules' },
  { id: 'members', label: 'Members' },
  { id: 'workspace', label: 'Workspace' },
] as const;

/** Workspace settings, one section at a time: viewers see them read-only, owner-only actions are hidden from editors. */
export function SettingsPage() {
  const { section = 'channels' } = useParams();
  const { data: session } = useSession();
  const role = session?.role ?? 'viewer';
  const isOwner = role === 'owner';
  const current = SECTIONS.find((s) => s.id === section) ?? SECTIONS[0];
  return (
    <>
      <title>{`${current.label} · Settings · Itinera`}</title>
      <header className="page-header page-header--actions">
        <div>
          <h1>Settings</h1>
          <p className="muted">Providers, keys, topics, delivery rules and people of this workspace.</p>
        </div>
        {!isOwner && (
          <Badge tone="neutral">{role === 'viewer' ? 'Read-only: you are a viewer' : 'Some settings need the owner role'}</Badge>
        )}
      </header>
      <div className="settings-layout">
        <nav aria-label="Settings" className="settings-nav">
          <ul>
            {SECTIONS.map((s) => (
              <li key={s.id}>
                <NavLink
                  to={`/settings/${s.id}`}
                  className={({ isActive }) =>
                    isActive || (s.id === 'channels' && !section) ? 'settings-nav__link active' : 'settings-nav__link'
                  }
                >
                  {s.label}
                </NavLink>
              </li>
            ))}
          </ul>
        </nav>
        <div className="settings-body">
          {current.id === 'channels' && <ChannelsSection isOwner={isOwner} canTest={role !== 'viewer'} />}
          {current.id === 'api-keys' && <ApiKeysSection isOwner={isOwner} />}
          {current.id === 'topics' && <TopicsSection canEdit={role !== 'viewer'} />}
          {current.id === 'delivery' && <DeliverySection isOwner={isOwner} />}
          {current.id === 'members' && <MembersSection isOwner={isOwner} currentUserId={session?.user?.id ?? null} />}
          {current.id === 'workspace' && <WorkspaceSection isOwner={isOwner} />}
        </div>
      </div>
    </>
  );
}
