import {
  channelsCreate,
  channelsRemove,
  channelsTest,
  channelsUpdate,
  type ConnectionTestDto,
  getChannelsListQueryKey,
  type PluginDto,
  type ProviderDto,
  useChannelsList,
  usePluginsList,
} from '@itinera/sdk';
import { ArrowDown, ArrowUp, Plug, Plus, Trash2 } from 'lucide-react';
import { useMemo, useState } from 'react';
import { Card } from '../../../components/Card';
import { CheckboxField, SelectField, TextField } from '../../../components/fields';
import { Badge, Button, Dialog, ErrorNotice, IconButton, Spinner } from '../../../components/ui';
import { formConfig, hasProblems, initialValues, type FormProblems, type JsonSchema, schemaForm } from '../model/schema-form';
import { SchemaFields } from './SchemaFields';
import { useAction } from './useAction';

interface Manifest {
  kind?: string;
  channel?: string;
  displayName?: string;
  description?: string;
  configSchema?: JsonSchema;
  capabilities?: { checkConfig?: boolean };
}

const manifestOf = (plugin: PluginDto | undefined) => (plugin?.manifest ?? {}) as Manifest;
const LIST_KEY = getChannelsListQueryKey();

/** Channel providers: configured from each plugin's configSchema, tested, ordered for fallback. */
export function ChannelsSection({ isOwner, canTest }: { isOwner: boolean; canTest: boolean }) {
  const providers = useChannelsList();
  const plugins = usePluginsList({ query: { staleTime: 5 * 60_000 } });
  const action = useAction();
  const [editing, setEditing] = useState<{ plugin: PluginDto; provider?: ProviderDto } | null>(null);
  const [tests, setTests] = useState<Record<string, ConnectionTestDto | { ok: false; message: string; running?: boolean }>>({});
  const [removing, setRemoving] = useState<ProviderDto | null>(null);
  const pluginById = useMemo(() => new Map((plugins.data?.plugins ?? []).map((p) => [p.id, p])), [plugins.data]);
  const channelPlugins = (plugins.data?.plugins ?? []).filter((p) => manifestOf(p).kind === 'channel');

  const byChannel = useMemo(() => {
    const groups = new Map<string, ProviderDto[]>();
    for (const provider of (providers.data ?? []).filter((p) => p.kind === 'channel')) {
      const list = groups.get(provider.channel ?? 'other') ?? [];
      list.push(provider);
      groups.set(provider.channel ?? 'other', list);
    }
    for (const list of groups.values()) list.sort((a, b) => a.priority - b.priority);
    return [...groups.entries()];
  }, [providers.data]);

  async function test(provider: ProviderDto) {
    setTests((t) => ({ ...t, [provider.id]: { ok: false, message: 'Testing…', running: true } }));
    try {
      const result = await channelsTest(provider.id);
      setTests((t) => ({ ...t, [provider.id]: result }));
    } catch (error) {
      setTests((t) => ({ ...t, [provider.id]: { ok: false, message: (error as Error).message } }));
    }
  }

  /** Swaps a provider's place in its channel's fallback order with its neighbour. */
  async function move(list: ProviderDto[], index: number, by: -1 | 1) {
    const other = list[index + by];
    const provider = list[index];
    if (!other) return;
    const [first, second] =
      provider.priority === other.priority ? [other.priority + by, other.priority] : [other.priority, provider.priority];
    await action.run(
      async () => {
        await channelsUpdate(provider.id, { priority: first });
        await channelsUpdate(other.id, { priority: second });
      },
      { refresh: [LIST_KEY], success: `Moved ${provider.name} ${by < 0 ? 'up' : 'down'}` },
    );
  }

  return (
    <Card
      title="Channel providers"
      description="Which service delivers each channel. Within a channel, providers are tried in order: the next one takes over when one fails."
      actions={
        isOwner && (
          <SelectField
            label="Add a provider"
            value={null}
            placeholder="Choose a plugin…"
            onChange={(id) => {
              const plugin = pluginById.get(id);
              if (plugin) setEditing({ plugin });
            }}
            options={channelPlugins.map((p) => ({
              id: p.id,
              label: manifestOf(p).displayName ?? p.id,
              description: manifestOf(p).channel,
            }))}
            className="field--inline"
          />
        )
      }
    >
      {(providers.isPending || plugins.isPending) && <Spinner label="Loading providers…" />}
      {providers.isError && (
        <ErrorNotice title="The providers could not be loaded." error={providers.error} onRetry={() => void providers.refetch()} />
      )}
      {Boolean(action.error) && <ErrorNotice title="The change was not saved." error={action.error} />}
      {providers.isSuccess && byChannel.length === 0 && (
        <div className="empty-inline">
          <Plug size={20} aria-hidden />
          <p>
            No provider yet: only in-app messages can be delivered.{' '}
            {isOwner ? 'Add one with “Add a provider”: its form comes from the plugin.' : 'An owner of the workspace can add one.'}
          </p>
        </div>
      )}
      {byChannel.map(([channel, list]) => (
        <section key={channel} className="provider-group" aria-label={`${channel} providers`}>
          <h3 className="subhead">{channel}</h3>
          <ol className="provider-list">
            {list.map((provider, index) => {
              const plugin = pluginById.get(provider.pluginId);
              const result = tests[provider.id];
              return (
                <li key={provider.id} className="provider" data-testid={`provider-${provider.name}`}>
                  <div className="provider__head">
                    <span className="provider__order">{index + 1}</span>
                    <strong>{provider.name}</strong>
                    <span className="muted">{manifestOf(plugin).displayName ?? provider.pluginId}</span>
                    {!provider.enabled && <Badge tone="neutral">Disabled</Badge>}
                    {!provider.pluginInstalled && <Badge tone="danger">Plugin not installed</Badge>}
                    <span className="provider__actions">
                      {canTest && (
                        <Button size="sm" onPress={() => void test(provider)} isDisabled={result && 'running' in result && result.running}>
                          Test connection
                        </Button>
                      )}
                      {isOwner && plugin && (
                        <Button size="sm" onPress={() => setEditing({ plugin, provider })}>
                          Configure
                        </Button>
                      )}
                      {isOwner && list.length > 1 && (
                        <>
                          <IconButton
                            label={`Move ${provider.name} up`}
                            isDisabled={index === 0 || action.busy}
                            onPress={() => void move(list, index, -1)}
                          >
                            <ArrowUp size={14} aria-hidden />
                          </IconButton>
                          <IconButton
                            label={`Move ${provider.name} down`}
                            isDisabled={index === list.length - 1 || action.busy}
                            onPress={() => void move(list, index, 1)}
                          >
                            <ArrowDown size={14} aria-hidden />
                          </IconButton>
                        </>
                      )}
                      {isOwner && (
                        <IconButton label={`Remove ${provider.name}`} onPress={() => setRemoving(provider)}>
                          <Trash2 size={14} aria-hidden />
                        </IconButton>
                      )}
                    </span>
                  </div>
                  {result && (
                    <p
                      className={`notice ${'running' in result && result.running ? 'notice--info' : result.ok ? 'notice--success' : 'notice--danger'}`}
                      role="status"
                      data-testid="connection-test"
                    >
                      {'running' in result && result.running
                        ? 'Testing the connection…'
                        : result.ok
                          ? `Connected: ${result.message}`
                          : `Failed: ${result.message}`}
                    </p>
                  )}
                </li>
              );
            })}
          </ol>
        </section>
      ))}
      {editing && (
        <ProviderDialog
          plugin={editing.plugin}
          provider={editing.provider}
          nextPriority={Math.max(0, ...(providers.data ?? []).map((p) => p.priority)) + 10}
          onClose={() => setEditing(null)}
        />
      )}
      <Dialog
        title={removing ? `Remove ${removing.name}?` : 'Remove'}
        isOpen={removing !== null}
        onOpenChange={(open) => !open && setRemoving(null)}
        footer={
          <>
            <Button onPress={() => setRemoving(null)}>Cancel</Button>
            <Button
              variant="danger"
              isDisabled={action.busy}
              onPress={() =>
                removing &&
                void action
                  .run(() => channelsRemove(removing.id), { refresh: [LIST_KEY], success: `Removed ${removing.name}` })
                  .then(() => setRemoving(null))
              }
            >
              Remove provider
            </Button>
          </>
        }
      >
        <p>
          Its configuration and secrets are deleted. Messages on its channel go to the next provider, or are skipped when there is none.
        </p>
      </Dialog>
    </Card>
  );
}

function ProviderDialog({
  plugin,
  provider,
  nextPriority,
  onClose,
}: {
  plugin: PluginDto;
  provider?: ProviderDto;
  nextPriority: number;
  onClose: () => void;
}) {
  const manifest = manifestOf(plugin);
  const form = useMemo(() => schemaForm(manifest.configSchema), [manifest.configSchema]);
  const [name, setName] = useState(provider?.name ?? manifest.displayName ?? plugin.id);
  const [enabled, setEnabled] = useState(provider?.enabled ?? true);
  const [values, setValues] = useState(() => initialValues(form, provider?.config));
  const [replacing, setReplacing] = useState<string[]>([]);
  const [problems, setProblems] = useState<FormProblems | null>(null);
  const action = useAction();

  async function save() {
    const built = formConfig(form, values, provider?.secretsSet ?? []);
    setProblems(built.problems);
    if (hasProblems(built.problems) || !name.trim()) return;
    const saved = await action.run(
      () =>
        provider
          ? channelsUpdate(provider.id, { name: name.trim(), enabled, config: built.config })
          : channelsCreate({ pluginId: plugin.id, name: name.trim(), enabled, priority: nextPriority, config: built.config }),
      { refresh: [LIST_KEY], success: provider ? `Saved ${name.trim()}` : `Added ${name.trim()}` },
    );
    if (saved) onClose();
  }

  return (
    <Dialog
      title={provider ? `Configure ${provider.name}` : `Add ${manifest.displayName ?? plugin.id}`}
      isOpen
      onOpenChange={(open) => !open && onClose()}
      size="lg"
      footer={
        <>
          <Button onPress={onClose}>Cancel</Button>
          <Button variant="primary" onPress={() => void save()} isDisabled={action.busy}>
            {action.busy ? 'Saving…' : provider ? 'Save' : 'Add provider'}
          </Button>
        </>
      }
    >
      {manifest.description && <p className="muted">{manifest.description}</p>}
      <div className="form-grid">
        <TextField label="Name" value={name} onChange={setName} error={name.trim() ? null : 'Give the provider a name.'} />
        <CheckboxField label="Enabled" value={enabled} onChange={setEnabled} />
      </div>
      <SchemaFields
        form={form}
        values={values}
        onChange={setValues}
        problems={problems}
        secretsSet={provider?.secretsSet ?? []}
        replacing={replacing}
        onReplace={(field) => setReplacing((list) => [...list, field])}
        readOnly={false}
      />
      {Boolean(action.error) && <ErrorNotice title="The provider was not saved." error={action.error} />}
      <p className="field__description">
        <Plus size={12} aria-hidden /> Secrets are stored encrypted and never shown again; after saving, “Test connection” checks the
        configuration with the provider.
      </p>
    </Dialog>
  );
}
