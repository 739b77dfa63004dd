import {
  type CreateTopicDtoDefaultPreference,
  getTopicsListQueryKey,
  type TopicDto,
  topicsCreate,
  topicsRemove,
  topicsUpdate,
  useTopicsList,
} from '@itinera/sdk';
import { Plus, Trash2 } from 'lucide-react';
import { useState } from 'react';
import { Card } from '../../../components/Card';
import { CheckboxField, SelectField, TextField } from '../../../components/fields';
import { Badge, Button, Dialog, ErrorNotice, IconButton, Spinner } from '../../../components/ui';
import { useAction } from './useAction';

const LIST_KEY = getTopicsListQueryKey();
const DEFAULTS = [
  { id: 'opted_in', label: 'Opted in', description: 'Sent unless the person opts out' },
  { id: 'opted_out', label: 'Opted out', description: 'Sent only to people who opt in' },
  { id: 'required', label: 'Required', description: 'Always sent (billing, security): opt-outs are ignored' },
];
const DEFAULT_LABELS: Record<string, string> = { opted_in: 'Opted in', opted_out: 'Opted out', required: 'Required' };

interface Draft {
  key: string;
  name: string;
  description: string;
  defaultPreference: CreateTopicDtoDefaultPreference;
  bypassQuietHours: boolean;
  exemptFromCaps: boolean;
}

const blank: Draft = { key: '', name: '', description: '', defaultPreference: 'opted_in', bypassQuietHours: false, exemptFromCaps: false };

/** Preference topics: what a person can opt out of, with its default. */
export function TopicsSection({ canEdit }: { canEdit: boolean }) {
  const topics = useTopicsList();
  const action = useAction();
  const [editing, setEditing] = useState<{ draft: Draft; existing: boolean } | null>(null);
  const [removing, setRemoving] = useState<TopicDto | null>(null);

  async function save() {
    if (!editing) return;
    const { draft, existing } = editing;
    const body = {
      name: draft.name.trim(),
      description: draft.description.trim() || undefined,
      defaultPreference: draft.defaultPreference,
      bypassQuietHours: draft.bypassQuietHours,
      exemptFromCaps: draft.exemptFromCaps,
    };
    const saved = await action.run(() => (existing ? topicsUpdate(draft.key, body) : topicsCreate({ key: draft.key.trim(), ...body })), {
      refresh: [LIST_KEY],
      success: existing ? `Saved ${body.name}` : `Created ${body.name}`,
    });
    if (saved) setEditing(null);
  }

  return (
    <Card
      title="Topics"
      description="Kinds of message a person can opt out of (onboarding, product updates…); send steps name one. Required topics ignore opt-outs."
      actions={
        canEdit && (
          <Button size="sm" variant="primary" onPress={() => setEditing({ draft: blank, existing: false })}>
            <Plus size={14} aria-hidden /> New topic
          </Button>
        )
      }
    >
      {topics.isPending && <Spinner label="Loading topics…" />}
      {topics.isError && <ErrorNotice title="The topics could not be loaded." error={topics.error} onRetry={() => void topics.refetch()} />}
      {topics.isSuccess && topics.data.length === 0 && (
        <p className="muted">No topics yet: messages without a topic follow only whole-channel unsubscribes.</p>
      )}
      {topics.isSuccess && topics.data.length > 0 && (
        <div className="table-wrap">
          <table className="table" aria-label="Topics">
            <thead>
              <tr>
                <th scope="col">Topic</th>
                <th scope="col">Default</th>
                <th scope="col">Rules</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {topics.data.map((topic) => (
                <tr key={topic.key}>
                  <td>
                    <strong>{topic.name}</strong>
                    <span className="table__sub">
                      <code>{topic.key}</code>
                      {topic.description ? ` · ${topic.description}` : ''}
                    </span>
                  </td>
                  <td>
                    <Badge
                      tone={
                        topic.defaultPreference === 'required' ? 'info' : topic.defaultPreference === 'opted_in' ? 'success' : 'neutral'
                      }
                    >
                      {DEFAULT_LABELS[topic.defaultPreference]}
                    </Badge>
                  </td>
                  <td className="muted">
                    {[topic.bypassQuietHours && 'sent during quiet hours', topic.exemptFromCaps && 'exempt from caps']
                      .filter(Boolean)
                      .join(', ') || '—'}
                  </td>
                  <td>
                    {canEdit && (
                      <span className="toolbar">
                        <Button
                          size="sm"
                          onPress={() =>
                            setEditing({
                              existing: true,
                              draft: {
                                key: topic.key,
                                name: topic.name,
                                description: topic.description ?? '',
                                defaultPreference: topic.defaultPreference,
                                bypassQuietHours: topic.bypassQuietHours,
                                exemptFromCaps: topic.exemptFromCaps,
                              },
                            })
                          }
                          aria-label={`Edit ${topic.name}`}
                        >
                          Edit
                        </Button>
                        <IconButton label={`Delete ${topic.name}`} onPress={() => setRemoving(topic)}>
                          <Trash2 size={14} aria-hidden />
                        </IconButton>
                      </span>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {editing && (
        <Dialog
          title={editing.existing ? `Edit ${editing.draft.name}` : 'New topic'}
          isOpen
          onOpenChange={(open) => !open && setEditing(null)}
          footer={
            <>
              <Button onPress={() => setEditing(null)}>Cancel</Button>
              <Button
                variant="primary"
                onPress={() => void save()}
                isDisabled={action.busy || !editing.draft.name.trim() || !editing.draft.key.trim()}
              >
                {editing.existing ? 'Save' : 'Create topic'}
              </Button>
            </>
          }
        >
          <TextField
            label="Key"
            value={editing.draft.key}
            onChange={(key) => setEditing({ ...editing, draft: { ...editing.draft, key } })}
            isReadOnly={editing.existing}
            monospace
            description="What send steps and POST /send name. It cannot change."
          />
          <TextField
            label="Name"
            value={editing.draft.name}
            onChange={(name) => setEditing({ ...editing, draft: { ...editing.draft, name } })}
            description="Shown to people on their preference page."
          />
          <TextField
            label="Description (optional)"
            value={editing.draft.description}
            onChange={(description) => setEditing({ ...editing, draft: { ...editing.draft, description } })}
          />
          <SelectField
            label="Default"
            value={editing.draft.defaultPreference}
            onChange={(v) =>
              setEditing({ ...editing, draft: { ...editing.draft, defaultPreference: v as CreateTopicDtoDefaultPreference } })
            }
            options={DEFAULTS}
          />
          <CheckboxField
            label="Send during quiet hours (security, billing)"
            value={editing.draft.bypassQuietHours}
            onChange={(bypassQuietHours) => setEditing({ ...editing, draft: { ...editing.draft, bypassQuietHours } })}
          />
          <CheckboxField
            label="Exempt from frequency caps"
            value={editing.draft.exemptFromCaps}
            onChange={(exemptFromCaps) => setEditing({ ...editing, draft: { ...editing.draft, exemptFromCaps } })}
          />
          {Boolean(action.error) && <ErrorNotice title="The topic was not saved." error={action.error} />}
        </Dialog>
      )}
      <Dialog
        title={removing ? `Delete ${removing.name}?` : 'Delete'}
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
                  .run(() => topicsRemove(removing.key), { refresh: [LIST_KEY], success: `Deleted ${removing.name}` })
                  .then(() => setRemoving(null))
              }
            >
              Delete topic
            </Button>
          </>
        }
      >
        <p>People&apos;s choices for “{removing?.key}” are kept: creating the topic again restores their opt-outs.</p>
      </Dialog>
    </Card>
  );
}
