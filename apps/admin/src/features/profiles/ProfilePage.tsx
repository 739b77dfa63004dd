import {
  ApiError,
  type ContactPointInputDtoChannel,
  type EventDto,
  getPreferencesGetQueryKey,
  getProfilesGetQueryKey,
  getProfilesListQueryKey,
  type ProfileDto,
  type ProfilePreferencesDto,
  type TopicPreferenceDto,
  useMessagesList,
  usePreferencesGet,
  usePreferencesSetTopic,
  usePreferencesSetUnsubscribedChannels,
  useProfileRunsList,
  useProfilesErase,
  useProfilesEvents,
  useProfilesGet,
  useProfilesPatch,
  useProfilesRemoveContactPoint,
} from '@itinera/sdk';
import { useQueryClient } from '@tanstack/react-query';
import { ArrowLeft, ExternalLink, Pencil, Plus, Trash2 } from 'lucide-react';
import { useMemo, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { Card, Facts } from '../../components/Card';
import { CheckboxField, ComboField, SelectField, TextField } from '../../components/fields';
import { dateTime, timeAgo } from '../../components/format';
import { notify } from '../../components/toast';
import { Badge, Button, Dialog, ErrorNotice, IconButton, Spinner } from '../../components/ui';
import { useSession } from '../auth/useSession';
import { EventList } from '../events/components/EventList';
import { mergeEvents } from '../events/model/live-list';
import { useLiveEvents } from '../events/useLiveEvents';
import { MessageStatusBadge } from '../messages/components/MessageStatusBadge';
import {
  channelChoice,
  type ChannelChoice,
  editableValue,
  type TraitRow,
  traitRowsProblem,
  traitsPatch,
  withChannelChoice,
  withTopicChoice,
} from './model/profile-edits';
import './profiles.css';

const RUN_TONES = {
  active: 'info',
  waiting: 'info',
  completed: 'success',
  exited: 'neutral',
  cancelled: 'neutral',
  failed: 'danger',
} as const;
const CHOICES: Array<{ id: ChannelChoice; label: string }> = [
  { id: 'default', label: 'Default' },
  { id: 'opted_in', label: 'Opted in' },
  { id: 'opted_out', label: 'Opted out' },
];
const CONTACT_CHANNELS: Array<{ id: ContactPointInputDtoChannel; label: string }> = [
  { id: 'email', label: 'E-mail' },
  { id: 'sms', label: 'Phone (SMS)' },
  { id: 'push', label: 'Push token' },
  { id: 'slack', label: 'Slack user id' },
  { id: 'teams', label: 'Teams user id' },
];
const TIME_ZONES = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : ['UTC'];

export function ProfilePage() {
  const { userId = '' } = useParams();
  const profile = useProfilesGet(userId, { query: { retry: (n, error) => !(error instanceof ApiError && error.status === 404) && n < 2 } });
  const { data: session } = useSession();
  const canEdit = session?.role !== 'viewer';

  if (profile.isPending) return <Spinner label="Loading the profile…" />;
  if (profile.isError) {
    const missing = profile.error instanceof ApiError && profile.error.status === 404;
    return (
      <>
        <title>Profile · Itinera</title>
        <header className="page-header">
          <h1>{missing ? 'Profile not found' : 'Profile'}</h1>
        </header>
        {missing ? (
          <section className="empty-state">
            <p>There is no profile “{userId}” in this workspace. It may have been erased, or its events not have arrived yet.</p>
            <Link className="button" to="/profiles">
              Search profiles
            </Link>
          </section>
        ) : (
          <ErrorNotice title="The profile could not be loaded." error={profile.error} onRetry={() => void profile.refetch()} />
        )}
      </>
    );
  }
  return <ProfileView profile={profile.data} userId={userId} canEdit={canEdit} />;
}

function ProfileView({ profile, userId, canEdit }: { profile: ProfileDto; userId: string; canEdit: boolean }) {
  const [erasing, setErasing] = useState(false);
  return (
    <div className="profile-page">
      <title>{`${userId} · Profiles · Itinera`}</title>
      <header className="page-header page-header--actions">
        <div>
          <Link to="/profiles" className="back-link">
            <ArrowLeft size={14} aria-hidden /> Profiles
          </Link>
          <h1>{userId}</h1>
          <p className="muted">
            {profile.email ?? 'No e-mail'} · created {timeAgo(profile.createdAt)}
            {profile.lastSeenAt ? ` · last seen ${timeAgo(profile.lastSeenAt)}` : ''}
          </p>
        </div>
        {canEdit && (
          <Button variant="danger" onPress={() => setErasing(true)}>
            <Trash2 size={16} aria-hidden /> Erase profile
          </Button>
        )}
      </header>
      <div className="detail-grid">
        <AboutCard profile={profile} userId={userId} canEdit={canEdit} />
        <TraitsCard profile={profile} userId={userId} canEdit={canEdit} />
        <PreferencesCard userId={userId} canEdit={canEdit} />
        <RunsCard userId={userId} />
        <MessagesCard userId={userId} />
        <TimelineCard userId={userId} />
      </div>
      <EraseDialog isOpen={erasing} onOpenChange={setErasing} userId={userId} />
    </div>
  );
}

function useRefreshProfile(userId: string) {
  const queryClient = useQueryClient();
  return (updated?: ProfileDto) => {
    if (updated) queryClient.setQueryData(getProfilesGetQueryKey(userId), updated);
    void queryClient.invalidateQueries({ queryKey: getProfilesListQueryKey() });
  };
}

function AboutCard({ profile, userId, canEdit }: { profile: ProfileDto; userId: string; canEdit: boolean }) {
  const refresh = useRefreshProfile(userId);
  const patch = useProfilesPatch();
  const remove = useProfilesRemoveContactPoint({ mutation: { onSuccess: () => refresh() } });
  const queryClient = useQueryClient();
  const [editing, setEditing] = useState(false);
  const [timezone, setTimezone] = useState(profile.timezone ?? '');
  const [locale, setLocale] = useState(profile.locale ?? '');
  const [adding, setAdding] = useState(false);
  const [channel, setChannel] = useState<ContactPointInputDtoChannel>('email');
  const [value, setValue] = useState('');

  function save() {
    patch.mutate(
      { userId, data: { ...(timezone.trim() ? { timezone: timezone.trim() } : {}), ...(locale.trim() ? { locale: locale.trim() } : {}) } },
      {
        onSuccess: (updated) => {
          refresh(updated);
          setEditing(false);
          notify('Saved the time zone and locale');
        },
      },
    );
  }

  function addContact() {
    patch.mutate(
      { userId, data: { contactPoints: [{ channel, value: value.trim() }] } },
      {
        onSuccess: (updated) => {
          refresh(updated);
          setAdding(false);
          setValue('');
          notify('Added the contact point');
        },
      },
    );
  }

  return (
    <Card
      title="About"
      description="Where messages reach this person, and the zone their local times are in."
      actions={
        canEdit &&
        !editing && (
          <Button size="sm" onPress={() => setEditing(true)}>
            <Pencil size={14} aria-hidden /> Edit
          </Button>
        )
      }
    >
      {editing ? (
        <div className="form-row">
          <ComboField
            label="Time zone"
            value={timezone}
            onChange={setTimezone}
            options={TIME_ZONES.map((z) => ({ id: z, label: z }))}
            description="Empty: the workspace's default time zone."
          />
          <TextField
            label="Locale"
            value={locale}
            onChange={setLocale}
            placeholder="fr-CA"
            description="Picks the template's locale variant."
          />
          <div className="toolbar">
            <Button variant="primary" onPress={save} isDisabled={patch.isPending}>
              Save
            </Button>
            <Button onPress={() => setEditing(false)}>Cancel</Button>
          </div>
          {patch.isError && <ErrorNotice title="Not saved." error={patch.error} />}
        </div>
      ) : (
        <Facts
          items={[
            { label: 'Time zone', value: profile.timezone ?? <span className="muted">Workspace default</span> },
            { label: 'Locale', value: profile.locale ?? <span className="muted">None (default content)</span> },
            {
              label: 'Account',
              value: profile.account ? (
                <>
                  {profile.account.groupId}
                  {Object.keys(profile.account.traits).length > 0 && (
                    <span className="table__sub">{JSON.stringify(profile.account.traits)}</span>
                  )}
                </>
              ) : (
                <span className="muted">None</span>
              ),
            },
            {
              label: 'Anonymous ids',
              value: profile.anonymousIds.length > 0 ? profile.anonymousIds.join(', ') : <span className="muted">None</span>,
            },
          ]}
        />
      )}
      <h3 className="subhead">Contact points</h3>
      {profile.contactPoints.length === 0 ? (
        <p className="muted">No contact point: messages can only reach this person in-app.</p>
      ) : (
        <ul className="contact-list">
          {profile.contactPoints.map((point) => (
            <li key={point.id}>
              <Badge tone="info">{point.channel}</Badge>
              <span className="contact-list__value">{point.value}</span>
              <span className="muted">from {point.source === 'event' ? 'events' : 'the API'}</span>
              {canEdit && (
                <IconButton
                  label={`Remove ${point.value}`}
                  onPress={() =>
                    remove.mutate(
                      { userId, contactPointId: point.id },
                      { onSuccess: () => void queryClient.invalidateQueries({ queryKey: getProfilesGetQueryKey(userId) }) },
                    )
                  }
                >
                  <Trash2 size={14} aria-hidden />
                </IconButton>
              )}
            </li>
          ))}
        </ul>
      )}
      {canEdit &&
        (adding ? (
          <div className="form-row">
            <SelectField
              label="Channel"
              value={channel}
              onChange={(c) => setChannel(c as ContactPointInputDtoChannel)}
              options={CONTACT_CHANNELS}
            />
            <TextField label="Address, number or id" value={value} onChange={setValue} />
            <div className="toolbar">
              <Button variant="primary" onPress={addContact} isDisabled={!value.trim() || patch.isPending}>
                Add
              </Button>
              <Button onPress={() => setAdding(false)}>Cancel</Button>
            </div>
          </div>
        ) : (
          <Button size="sm" className="align-start" onPress={() => setAdding(true)}>
            <Plus size={14} aria-hidden /> Add a contact point
          </Button>
        ))}
    </Card>
  );
}

function TraitsCard({ profile, userId, canEdit }: { profile: ProfileDto; userId: string; canEdit: boolean }) {
  const refresh = useRefreshProfile(userId);
  const patch = useProfilesPatch();
  const [rows, setRows] = useState<TraitRow[] | null>(null);
  const editing = rows !== null;
  const problem = rows ? traitRowsProblem(rows) : null;
  const entries = Object.entries(profile.traits);

  function save() {
    if (!rows || problem) return;
    const traits = traitsPatch(profile.traits, rows);
    if (!traits) return setRows(null);
    patch.mutate(
      { userId, data: { traits } },
      {
        onSuccess: (updated) => {
          refresh(updated);
          setRows(null);
          notify('Saved the traits');
        },
      },
    );
  }

  return (
    <Card
      title="Traits"
      description="What your product told Itinera about this person (identify calls), as templates and conditions read them."
      actions={
        canEdit &&
        !editing && (
          <Button size="sm" onPress={() => setRows(entries.map(([key, value]) => ({ key, value: editableValue(value) })))}>
            <Pencil size={14} aria-hidden /> Edit traits
          </Button>
        )
      }
    >
      {!editing && entries.length === 0 && <p className="muted">No traits yet.</p>}
      {!editing && entries.length > 0 && (
        <table className="table table--compact" aria-label="Traits">
          <tbody>
            {entries.map(([key, value]) => (
              <tr key={key}>
                <th scope="row">{key}</th>
                <td className="mono">{editableValue(value)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {editing && (
        <div className="stack">
          {rows.map((row, index) => (
            <div className="trait-row" key={index}>
              <TextField label="Trait" value={row.key} onChange={(key) => setRows(rows.map((r, i) => (i === index ? { ...r, key } : r)))} />
              <TextField
                label="Value"
                value={row.value}
                monospace
                onChange={(value) => setRows(rows.map((r, i) => (i === index ? { ...r, value } : r)))}
              />
              <IconButton label={`Remove ${row.key || 'trait'}`} onPress={() => setRows(rows.filter((_, i) => i !== index))}>
                <Trash2 size={14} aria-hidden />
              </IconButton>
            </div>
          ))}
          <p className="field__description">Numbers, true, false, null and JSON are stored as such; anything else as text.</p>
          {problem && <p className="field__error">{problem}</p>}
          <div className="toolbar">
            <Button size="sm" onPress={() => setRows([...rows, { key: '', value: '' }])}>
              <Plus size={14} aria-hidden /> Add a trait
            </Button>
            <Button variant="primary" onPress={save} isDisabled={Boolean(problem) || patch.isPending}>
              Save traits
            </Button>
            <Button onPress={() => setRows(null)}>Cancel</Button>
          </div>
          {patch.isError && <ErrorNotice title="The traits were not saved." error={patch.error} />}
        </div>
      )}
    </Card>
  );
}

function PreferencesCard({ userId, canEdit }: { userId: string; canEdit: boolean }) {
  const queryClient = useQueryClient();
  const preferences = usePreferencesGet(userId);
  const setTopic = usePreferencesSetTopic();
  const setChannels = usePreferencesSetUnsubscribedChannels();
  const channels = useMemo(() => {
    const all = new Set<string>();
    for (const topic of preferences.data?.topics ?? []) for (const channel of Object.keys(topic.effective)) all.add(channel);
    return [...all];
  }, [preferences.data]);

  const store = (updated: TopicPreferenceDto) =>
    queryClient.setQueryData<ProfilePreferencesDto>(getPreferencesGetQueryKey(userId), (old) =>
      old ? { ...old, topics: old.topics.map((t) => (t.key === updated.key ? updated : t)) } : old,
    );
  const change = (topic: TopicPreferenceDto, data: ReturnType<typeof withTopicChoice>, what: string) =>
    setTopic.mutate(
      { userId, topicKey: topic.key, data },
      {
        onSuccess: (updated) => {
          store(updated);
          notify(`Saved: ${what}`);
        },
        onError: (error) => notify('The preference was not saved', { tone: 'danger', description: error.message }),
      },
    );

  return (
    <Card
      title="Preferences"
      description="Per topic and channel: the person's choices, and what applies (required topics ignore opt-outs)."
      className="card--wide"
    >
      {preferences.isPending && <Spinner label="Loading preferences…" />}
      {preferences.isError && <ErrorNotice title="The preferences could not be loaded." error={preferences.error} />}
      {preferences.isSuccess && preferences.data.topics.length === 0 && (
        <p className="muted">
          No topics yet. Create topics (onboarding, billing…) under <Link to="/settings/topics">Settings → Topics</Link>.
        </p>
      )}
      {preferences.isSuccess && preferences.data.topics.length > 0 && (
        <div className="table-scroll">
          <table className="table table--compact preferences-table" aria-label="Preferences by topic and channel">
            <thead>
              <tr>
                <th scope="col">Topic</th>
                <th scope="col">Whole topic</th>
                {channels.map((channel) => (
                  <th scope="col" key={channel}>
                    {channel}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {preferences.data.topics.map((topic) => {
                const required = topic.defaultPreference === 'required';
                return (
                  <tr key={topic.key}>
                    <th scope="row">
                      {topic.name}
                      <span className="table__sub">
                        {required ? 'Required: opt-outs are ignored' : `Default: ${topic.defaultPreference.replace('_', ' ')}`}
                      </span>
                    </th>
                    <td>
                      {required ? (
                        <Badge tone="info">Required</Badge>
                      ) : (
                        <ChoiceSelect
                          label={`${topic.name}: whole topic`}
                          value={topic.status ?? 'default'}
                          isDisabled={!canEdit}
                          onChange={(choice) =>
                            change(topic, withTopicChoice(topic, choice), `${topic.name}, whole topic ${choice.replace('_', ' ')}`)
                          }
                        />
                      )}
                    </td>
                    {channels.map((channel) => (
                      <td key={channel}>
                        <div className="pref-cell">
                          {!required && (
                            <ChoiceSelect
                              label={`${topic.name} on ${channel}`}
                              value={channelChoice(topic, channel)}
                              isDisabled={!canEdit}
                              onChange={(choice) =>
                                change(
                                  topic,
                                  withChannelChoice(topic, channel, choice),
                                  `${topic.name} on ${channel} ${choice.replace('_', ' ')}`,
                                )
                              }
                            />
                          )}
                          <Badge tone={topic.effective[channel] === 'opted_in' ? 'success' : 'warning'}>
                            {topic.effective[channel] === 'opted_in' ? 'Sends' : 'Blocked'}
                          </Badge>
                        </div>
                      </td>
                    ))}
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      {preferences.isSuccess && (
        <fieldset className="checkbox-row">
          <legend className="field__label">Unsubscribed from whole channels (only required topics are sent there)</legend>
          {channels.map((channel) => (
            <CheckboxField
              key={channel}
              label={channel}
              isDisabled={!canEdit}
              value={preferences.data.unsubscribedChannels.includes(channel)}
              onChange={(on) =>
                setChannels.mutate(
                  {
                    userId,
                    data: {
                      unsubscribedChannels: on
                        ? [...preferences.data.unsubscribedChannels, channel]
                        : preferences.data.unsubscribedChannels.filter((c) => c !== channel),
                    },
                  },
                  { onSuccess: (updated) => queryClient.setQueryData(getPreferencesGetQueryKey(userId), updated) },
                )
              }
            />
          ))}
        </fieldset>
      )}
    </Card>
  );
}

function ChoiceSelect({
  label,
  value,
  onChange,
  isDisabled,
}: {
  label: string;
  value: ChannelChoice;
  onChange: (choice: ChannelChoice) => void;
  isDisabled: boolean;
}) {
  return (
    <label className="choice-select">
      <span className="visually-hidden">{label}</span>
      <select
        className="input input--compact"
        value={value}
        disabled={isDisabled}
        onChange={(e) => onChange(e.target.value as ChannelChoice)}
      >
        {CHOICES.map((choice) => (
          <option key={choice.id} value={choice.id}>
            {choice.label}
          </option>
        ))}
      </select>
    </label>
  );
}

function RunsCard({ userId }: { userId: string }) {
  const runs = useProfileRunsList(userId, { limit: 20 });
  return (
    <Card title="Journey runs" description="Each journey this person entered: where the run is now, or how it ended.">
      {runs.isPending && <Spinner label="Loading runs…" />}
      {runs.isError && <ErrorNotice title="The runs could not be loaded." error={runs.error} />}
      {runs.isSuccess && runs.data.data.length === 0 && <p className="muted">This person has not entered a journey.</p>}
      {runs.isSuccess && runs.data.data.length > 0 && (
        <ul className="run-list">
          {runs.data.data.map((run) => (
            <li key={run.id} className="run-list__item" data-testid={`run-${run.id}`}>
              <div className="run-list__head">
                <Link to={`/journeys/${run.journeyId}`} className="table__link">
                  {run.journeyName}
                </Link>
                <span className="muted">v{run.version}</span>
                <Badge tone={RUN_TONES[run.status]}>{run.status}</Badge>
              </div>
              <div className="run-list__where">
                {run.endedAt ? (
                  <>
                    Ended {timeAgo(run.endedAt)}
                    {run.endReason ? `: ${run.endReason}` : ''}
                  </>
                ) : run.currentNode ? (
                  <>
                    At “{run.currentNodeName ?? run.currentNode}”
                    {run.currentNodeType ? ` (${run.currentNodeType.replaceAll('_', ' ')})` : ''}
                    {run.waitingFor ? `, waiting for ${run.waitingFor}` : ''}
                  </>
                ) : (
                  'Starting'
                )}
                <span className="muted"> · entered {timeAgo(run.enteredAt)}</span>
              </div>
              <Link className="button button--sm align-start" to={`/runs/${run.id}`}>
                <ExternalLink size={14} aria-hidden /> Open on the canvas
              </Link>
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}

function MessagesCard({ userId }: { userId: string }) {
  const messages = useMessagesList({ userId, limit: 20 });
  return (
    <Card
      title="Messages"
      description="What was sent to this person, or why not."
      actions={
        <Link className="button button--sm" to={`/messages?userId=${encodeURIComponent(userId)}`}>
          All messages
        </Link>
      }
    >
      {messages.isPending && <Spinner label="Loading messages…" />}
      {messages.isError && <ErrorNotice title="The messages could not be loaded." error={messages.error} />}
      {messages.isSuccess && messages.data.data.length === 0 && <p className="muted">No message to this person yet.</p>}
      {messages.isSuccess && messages.data.data.length > 0 && (
        <ul className="message-mini-list">
          {messages.data.data.map((message) => (
            <li key={message.id}>
              <MessageStatusBadge status={message.status} />
              <Link to={`/messages/${message.id}`} className="table__link">
                {message.template ?? 'Direct message'} · {message.channel}
              </Link>
              <span className="muted" title={dateTime(String(message.timestamps.queued))}>
                {timeAgo(String(message.timestamps.queued))}
              </span>
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}

function TimelineCard({ userId }: { userId: string }) {
  const history = useProfilesEvents(userId, { limit: 50 });
  const [live, setLive] = useState<EventDto[]>([]);
  const [paused, setPaused] = useState(false);
  const state = useLiveEvents({ userId }, paused, (incoming) => setLive((list) => mergeEvents(list, incoming)));
  const events = useMemo(() => mergeEvents(history.data?.data ?? [], live), [history.data, live]);
  return (
    <Card
      title="Events"
      description="The events of this person, newest first; new ones appear as they arrive."
      className="card--wide"
      actions={
        <>
          <Badge tone={state === 'live' ? 'success' : state === 'paused' ? 'neutral' : 'warning'}>
            <span data-testid="profile-live-state">{state === 'live' ? 'Live' : state === 'paused' ? 'Paused' : 'Connecting…'}</span>
          </Badge>
          <Button size="sm" onPress={() => setPaused(!paused)}>
            {paused ? 'Resume' : 'Pause'}
          </Button>
        </>
      }
    >
      {history.isPending && <Spinner label="Loading events…" />}
      {history.isError && <ErrorNotice title="The events could not be loaded." error={history.error} />}
      {history.isSuccess && <EventList events={events} showUser={false} empty="No events from this person yet." />}
    </Card>
  );
}

function EraseDialog({ isOpen, onOpenChange, userId }: { isOpen: boolean; onOpenChange: (open: boolean) => void; userId: string }) {
  const erase = useProfilesErase();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const [typed, setTyped] = useState('');
  return (
    <Dialog
      title={`Erase ${userId}?`}
      isOpen={isOpen}
      onOpenChange={onOpenChange}
      footer={
        <>
          <Button onPress={() => onOpenChange(false)}>Cancel</Button>
          <Button
            variant="danger"
            isDisabled={typed !== userId || erase.isPending}
            onPress={() =>
              erase.mutate(
                { userId },
                {
                  onSuccess: () => {
                    queryClient.removeQueries({ queryKey: getProfilesGetQueryKey(userId) });
                    void queryClient.invalidateQueries({ queryKey: getProfilesListQueryKey() });
                    notify(`Erased ${userId}`, { description: 'The profile and everything about it are gone.' });
                    navigate('/profiles', { replace: true });
                  },
                },
              )
            }
          >
            {erase.isPending ? 'Erasing…' : 'Erase for good'}
          </Button>
        </>
      }
    >
      <p>Erasing is the right to be forgotten: it cannot be undone. It removes</p>
      <ul className="erase-list">
        <li>the profile: traits, account link, anonymous ids, time zone and locale;</li>
        <li>its contact points (e-mail addresses, phone numbers, push tokens, chat ids);</li>
        <li>every event it sent;</li>
        <li>every message to it, with its rendered content and delivery history;</li>
        <li>its journey runs (runs in progress stop) and its preference choices.</li>
      </ul>
      <p className="muted">If the product sends events for this user id again, a new, empty profile is made.</p>
      <TextField label={`Type ${userId} to confirm`} value={typed} onChange={setTyped} />
      {erase.isError && <ErrorNotice title="The profile was not erased." error={erase.error} />}
    </Dialog>
  );
}
