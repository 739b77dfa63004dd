import type { JourneyDefinition } from '@itinera/journey-model';
import { type JourneyDto, journeysVersion, useJourneysVersions, useMembersList } from '@itinera/sdk';
import { useNavigate } from 'react-router-dom';
import { dateTime } from '../../../components/format';
import { notify } from '../../../components/toast';
import { Badge, Button, Dialog, ErrorNotice, Spinner } from '../../../components/ui';
import { useEditorStore } from './editor-context';

/** Makes a published version the draft: loaded into the editor, then saved by autosave like any edit. */
export async function restoreVersion(store: ReturnType<typeof useEditorStore>, journey: JourneyDto, version: number) {
  const { definition } = await journeysVersion(journey.id, version);
  store.getState().load({ ...(definition as JourneyDefinition), name: journey.name });
  store.setState({ editVersion: store.getState().editVersion + 1 });
  notify(`Version ${version} restored as the draft`, { description: 'Publish it to make it live again.' });
}

/** Published versions with their notes and authors: open one read-only, or restore it as the draft. */
export function VersionsDrawer({
  journey,
  isOpen,
  onOpenChange,
}: {
  journey: JourneyDto;
  isOpen: boolean;
  onOpenChange: (open: boolean) => void;
}) {
  const versions = useJourneysVersions(journey.id, { query: { enabled: isOpen } });
  const members = useMembersList({ query: { enabled: isOpen, staleTime: 5 * 60_000, retry: false } });
  const store = useEditorStore();
  const navigate = useNavigate();
  const author = (publishedBy: string | null) => {
    if (!publishedBy) return 'unknown';
    const [kind, id] = publishedBy.split(':');
    if (kind === 'user') return members.data?.find((m) => m.userId === id)?.email ?? 'a former member';
    return 'an API key';
  };

  async function restore(version: number) {
    onOpenChange(false);
    // A read-only version view hands the restore to the draft's editor, which saves it.
    if (store.getState().readOnly) {
      navigate(`/journeys/${journey.id}`, { state: { restoreVersion: version } });
      return;
    }
    await restoreVersion(store, journey, version);
  }

  return (
    <Dialog title="Versions" isOpen={isOpen} onOpenChange={onOpenChange} drawer>
      {versions.isPending && <Spinner />}
      {versions.isError && <ErrorNotice title="The versions could not be loaded." error={versions.error} />}
      {versions.data?.length === 0 && <p className="muted">Nothing published yet: publishing the draft makes version 1.</p>}
      <ol className="versions">
        {versions.data?.map((v) => (
          <li key={v.version} className="versions__item">
            <div className="versions__head">
              <strong>Version {v.version}</strong>
              {v.version === journey.currentVersion && <Badge tone="success">Live</Badge>}
              <span className="muted">{dateTime(v.publishedAt)}</span>
            </div>
            <p>{v.note || <span className="muted">No note</span>}</p>
            <p className="muted">Published by {author(v.publishedBy)}</p>
            <div className="toolbar">
              <Button
                size="sm"
                onPress={() => {
                  onOpenChange(false);
                  navigate(`/journeys/${journey.id}/versions/${v.version}`);
                }}
              >
                Open
              </Button>
              {journey.status !== 'archived' && (
                <Button size="sm" onPress={() => void restore(v.version)}>
                  Restore as draft
                </Button>
              )}
            </div>
          </li>
        ))}
      </ol>
    </Dialog>
  );
}
