import { apiKeysCreate, apiKeysRevoke, type ApiKeyDto, type CreatedApiKeyDto, getApiKeysListQueryKey, useApiKeysList } from '@itinera/sdk';
import { Copy, KeyRound, Plus } from 'lucide-react';
import { useState } from 'react';
import { Card } from '../../../components/Card';
import { SelectField, TextField } from '../../../components/fields';
import { dateTime, timeAgo } from '../../../components/format';
import { notify } from '../../../components/toast';
import { Badge, Button, Dialog, ErrorNotice, Spinner } from '../../../components/ui';
import { useAction } from './useAction';

const LIST_KEY = getApiKeysListQueryKey();
const at = (value: unknown) => (typeof value === 'string' ? value : null);

/** Write keys (ingestion) and secret keys (management), shown once when created; revoke; last used. */
export function ApiKeysSection({ isOwner }: { isOwner: boolean }) {
  const keys = useApiKeysList({ query: { enabled: isOwner } });
  const action = useAction();
  const [creating, setCreating] = useState(false);
  const [name, setName] = useState('');
  const [kind, setKind] = useState<'write' | 'secret'>('secret');
  const [role, setRole] = useState<'owner' | 'editor' | 'viewer'>('editor');
  const [created, setCreated] = useState<CreatedApiKeyDto | null>(null);
  const [revoking, setRevoking] = useState<ApiKeyDto | null>(null);

  if (!isOwner) {
    return (
      <Card title="API keys" description="Write keys send events; secret keys call the management API.">
        <p className="muted">Only owners of the workspace can see and manage its API keys.</p>
      </Card>
    );
  }

  async function create() {
    const key = await action.run(() => apiKeysCreate({ name: name.trim(), kind, ...(kind === 'secret' ? { role } : {}) }), {
      refresh: [LIST_KEY],
    });
    if (key) {
      setCreated(key);
      setCreating(false);
      setName('');
    }
  }

  return (
    <Card
      title="API keys"
      description="Write keys send events (/v1, may ship in your apps); secret keys call the management API and /send (keep them on your servers)."
      actions={
        <Button variant="primary" size="sm" onPress={() => setCreating(true)}>
          <Plus size={14} aria-hidden /> Create a key
        </Button>
      }
    >
      {keys.isPending && <Spinner label="Loading keys…" />}
      {keys.isError && <ErrorNotice title="The keys could not be loaded." error={keys.error} onRetry={() => void keys.refetch()} />}
      {keys.isSuccess && (
        <div className="table-wrap">
          <table className="table" aria-label="API keys">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Kind</th>
                <th scope="col">Key</th>
                <th scope="col">Created</th>
                <th scope="col">Last used</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {keys.data.map((key) => {
                const revoked = at(key.revokedAt);
                const used = at(key.lastUsedAt);
                return (
                  <tr key={key.id} data-testid={`api-key-${key.name}`}>
                    <td>
                      <strong>{key.name}</strong>
                    </td>
                    <td>
                      <Badge tone={key.kind === 'secret' ? 'info' : 'neutral'}>
                        {key.kind === 'secret' ? `Secret · ${key.role}` : 'Write'}
                      </Badge>
                    </td>
                    <td>
                      <code>{key.prefix}…</code>
                    </td>
                    <td title={dateTime(key.createdAt)}>{timeAgo(key.createdAt)}</td>
                    <td>{used ? <span title={dateTime(used)}>{timeAgo(used)}</span> : <span className="muted">Never</span>}</td>
                    <td>
                      {revoked ? (
                        <Badge tone="danger">Revoked {timeAgo(revoked)}</Badge>
                      ) : (
                        <Button size="sm" variant="ghost" onPress={() => setRevoking(key)} aria-label={`Revoke ${key.name}`}>
                          Revoke
                        </Button>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      <Dialog
        title="Create an API key"
        isOpen={creating}
        onOpenChange={setCreating}
        footer={
          <>
            <Button onPress={() => setCreating(false)}>Cancel</Button>
            <Button variant="primary" onPress={() => void create()} isDisabled={!name.trim() || action.busy}>
              Create key
            </Button>
          </>
        }
      >
        <TextField label="Name" value={name} onChange={setName} placeholder="Backend (production)" autoFocus />
        <SelectField
          label="Kind"
          value={kind}
          onChange={(v) => setKind(v as 'write' | 'secret')}
          options={[
            { id: 'secret', label: 'Secret key', description: 'Management API and /send' },
            { id: 'write', label: 'Write key', description: 'Sending events (/v1)' },
          ]}
        />
        {kind === 'secret' && (
          <SelectField
            label="Role"
            value={role}
            onChange={(v) => setRole(v as typeof role)}
            options={[
              { id: 'viewer', label: 'Viewer', description: 'Reads only' },
              { id: 'editor', label: 'Editor', description: 'Edits journeys, templates, profiles' },
              { id: 'owner', label: 'Owner', description: 'Everything, settings included' },
            ]}
          />
        )}
        {Boolean(action.error) && <ErrorNotice title="The key was not created." error={action.error} />}
      </Dialog>
      <Dialog
        title="Your new key"
        isOpen={created !== null}
        onOpenChange={(open) => !open && setCreated(null)}
        footer={<Button onPress={() => setCreated(null)}>Done</Button>}
      >
        <p className="notice notice--warning">
          <KeyRound size={14} aria-hidden /> This is the only time the key is shown. Store it now, in a secret manager: it cannot be read
          again.
        </p>
        <div className="secret-box">
          <code data-testid="created-key">{created?.key}</code>
          <Button
            size="sm"
            onPress={() =>
              void navigator.clipboard
                .writeText(created?.key ?? '')
                .then(() => notify('Copied the key'))
                .catch(() => notify('The key could not be copied', { tone: 'danger', description: 'Select it and copy it by hand.' }))
            }
          >
            <Copy size={14} aria-hidden /> Copy
          </Button>
        </div>
      </Dialog>
      <Dialog
        title={revoking ? `Revoke ${revoking.name}?` : 'Revoke'}
        isOpen={revoking !== null}
        onOpenChange={(open) => !open && setRevoking(null)}
        footer={
          <>
            <Button onPress={() => setRevoking(null)}>Cancel</Button>
            <Button
              variant="danger"
              isDisabled={action.busy}
              onPress={() =>
                revoking &&
                void action
                  .run(() => apiKeysRevoke(revoking.id), { refresh: [LIST_KEY], success: `Revoked ${revoking.name}` })
                  .then(() => setRevoking(null))
              }
            >
              Revoke key
            </Button>
          </>
        }
      >
        <p>It stops working at once: anything still using it gets 401 from now on. This cannot be undone.</p>
      </Dialog>
    </Card>
  );
}
