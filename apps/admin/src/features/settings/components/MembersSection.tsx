import {
  getMembersListQueryKey,
  type MemberDto,
  membersAdd,
  membersChangeRole,
  membersRemove,
  type MemberDtoRole,
  useMembersList,
} from '@itinera/sdk';
import { Trash2, UserPlus } from 'lucide-react';
import { useState } from 'react';
import { Card } from '../../../components/Card';
import { SelectField, TextField } from '../../../components/fields';
import { timeAgo } from '../../../components/format';
import { Badge, Button, Dialog, ErrorNotice, IconButton, Spinner } from '../../../components/ui';
import { useAction } from './useAction';

const LIST_KEY = getMembersListQueryKey();
const ROLES = [
  { id: 'viewer', label: 'Viewer', description: 'Sees everything, changes nothing' },
  { id: 'editor', label: 'Editor', description: 'Journeys, templates, profiles, topics' },
  { id: 'owner', label: 'Owner', description: 'Everything, settings and members included' },
];

/** The people who use this admin, and their roles. */
export function MembersSection({ isOwner, currentUserId }: { isOwner: boolean; currentUserId: string | null }) {
  const members = useMembersList();
  const action = useAction();
  const [inviting, setInviting] = useState(false);
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [role, setRole] = useState<MemberDtoRole>('editor');
  const [removing, setRemoving] = useState<MemberDto | null>(null);

  async function invite() {
    const added = await action.run(() => membersAdd({ email: email.trim(), password, role }), {
      refresh: [LIST_KEY],
      success: `Added ${email.trim()}`,
    });
    if (added) {
      setInviting(false);
      setEmail('');
      setPassword('');
    }
  }

  return (
    <Card
      title="Members"
      description="Viewers see everything read-only; editors change journeys, templates, profiles and topics; owners also change settings and members."
      actions={
        isOwner && (
          <Button size="sm" variant="primary" onPress={() => setInviting(true)}>
            <UserPlus size={14} aria-hidden /> Add a member
          </Button>
        )
      }
    >
      {members.isPending && <Spinner label="Loading members…" />}
      {members.isError && (
        <ErrorNotice title="The members could not be loaded." error={members.error} onRetry={() => void members.refetch()} />
      )}
      {Boolean(action.error) && !inviting && <ErrorNotice title="The change was not saved." error={action.error} />}
      {members.isSuccess && (
        <div className="table-wrap">
          <table className="table" aria-label="Members">
            <thead>
              <tr>
                <th scope="col">Member</th>
                <th scope="col">Role</th>
                <th scope="col">Since</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {members.data.map((member) => (
                <tr key={member.userId}>
                  <td>
                    <strong>{member.email}</strong> {member.userId === currentUserId && <Badge tone="neutral">You</Badge>}
                  </td>
                  <td>
                    {isOwner ? (
                      <label className="choice-select">
                        <span className="visually-hidden">Role of {member.email}</span>
                        <select
                          className="input input--compact"
                          value={member.role}
                          onChange={(event) =>
                            void action.run(() => membersChangeRole(member.userId, { role: event.target.value as MemberDtoRole }), {
                              refresh: [LIST_KEY],
                              success: `${member.email} is now ${event.target.value}`,
                            })
                          }
                        >
                          {ROLES.map((r) => (
                            <option key={r.id} value={r.id}>
                              {r.label}
                            </option>
                          ))}
                        </select>
                      </label>
                    ) : (
                      <Badge tone="info">{member.role}</Badge>
                    )}
                  </td>
                  <td>{timeAgo(member.createdAt)}</td>
                  <td>
                    {isOwner && member.userId !== currentUserId && (
                      <IconButton label={`Remove ${member.email}`} onPress={() => setRemoving(member)}>
                        <Trash2 size={14} aria-hidden />
                      </IconButton>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <Dialog
        title="Add a member"
        isOpen={inviting}
        onOpenChange={setInviting}
        footer={
          <>
            <Button onPress={() => setInviting(false)}>Cancel</Button>
            <Button variant="primary" onPress={() => void invite()} isDisabled={!email.trim() || password.length < 8 || action.busy}>
              Add member
            </Button>
          </>
        }
      >
        <TextField label="E-mail" type="email" value={email} onChange={setEmail} autoFocus />
        <TextField
          label="Initial password"
          type="password"
          value={password}
          onChange={setPassword}
          description="At least 8 characters; share it with them privately. Someone who already has an account keeps their password."
          error={password && password.length < 8 ? 'At least 8 characters.' : null}
        />
        <SelectField label="Role" value={role} onChange={(r) => setRole(r as MemberDtoRole)} options={ROLES} />
        {Boolean(action.error) && <ErrorNotice title="The member was not added." error={action.error} />}
      </Dialog>
      <Dialog
        title={removing ? `Remove ${removing.email}?` : 'Remove'}
        isOpen={removing !== null}
        onOpenChange={(open) => !open && setRemoving(null)}
        footer={
          <>
            <Button onPress={() => setRemoving(null)}>Cancel</Button>
            <Button
              variant="danger"
              onPress={() =>
                removing &&
                void action
                  .run(() => membersRemove(removing.userId), { refresh: [LIST_KEY], success: `Removed ${removing.email}` })
                  .then(() => setRemoving(null))
              }
            >
              Remove member
            </Button>
          </>
        }
      >
        <p>They lose access to this workspace at once. Their account stays for other workspaces.</p>
      </Dialog>
    </Card>
  );
}
