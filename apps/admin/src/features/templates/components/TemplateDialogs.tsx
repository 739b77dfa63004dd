import {
  type DeliveryOutcomeDto,
  getTemplatesGetQueryKey,
  getTemplatesListQueryKey,
  getTemplatesVersionsQueryKey,
  type TemplateContentDto,
  type TemplateDto,
  templatesPublish,
  type TestSendDtoChannelsItem,
  templatesVersion,
  useTemplatesVersions,
} from '@itinera/sdk';
import { useQueryClient } from '@tanstack/react-query';
import { ExternalLink, RotateCcw } from 'lucide-react';
import { type FormEvent, useState } from 'react';
import { Link } from 'react-router-dom';
import { CheckboxField, TextField } from '../../../components/fields';
import { dateTime, timeAgo } from '../../../components/format';
import { notify } from '../../../components/toast';
import { Badge, Button, Dialog, ErrorNotice, Spinner } from '../../../components/ui';
import { sendTemplateTest } from '../../messages/message-api';
import { explainReason } from '../../messages/model/delivery-reasons';
import { ProfilePicker } from '../../profiles/components/ProfilePicker';
import { CHANNEL_LABELS, localeProblem, type TemplateChannel } from '../model/template-content';

const DELIVERY_CHANNELS_OF: Record<TemplateChannel, Array<{ id: string; label: string }>> = {
  email: [{ id: 'email', label: 'E-mail' }],
  sms: [{ id: 'sms', label: 'SMS' }],
  push: [{ id: 'push', label: 'Push' }],
  chat: [
    { id: 'slack', label: 'Slack' },
    { id: 'teams', label: 'Microsoft Teams' },
  ],
  inapp: [{ id: 'inapp', label: 'In-app' }],
  webhook: [{ id: 'webhook', label: 'Webhook' }],
};

const OUTCOME_TONES = {
  sent: 'success',
  // A hand-over interrupted by a crash: the provider may have the message.
  unknown: 'warning',
  deferred: 'warning',
  throttled: 'warning',
  suppressed: 'warning',
  skipped: 'neutral',
  failed: 'danger',
} as const;

export function AddLocaleDialog({
  isOpen,
  onOpenChange,
  content,
  onAdd,
}: {
  isOpen: boolean;
  onOpenChange: (open: boolean) => void;
  content: TemplateContentDto;
  onAdd: (locale: string) => void;
}) {
  const [locale, setLocale] = useState('');
  const [touched, setTouched] = useState(false);
  const problem = localeProblem(content, locale);
  const submit = (event?: FormEvent) => {
    event?.preventDefault();
    setTouched(true);
    if (problem) return;
    onAdd(locale.trim());
    setLocale('');
    setTouched(false);
    onOpenChange(false);
  };
  return (
    <Dialog
      title="Add a locale"
      isOpen={isOpen}
      onOpenChange={onOpenChange}
      footer={
        <>
          <Button onPress={() => onOpenChange(false)}>Cancel</Button>
          <Button variant="primary" onPress={() => submit()}>
            Add locale
          </Button>
        </>
      }
    >
      <form onSubmit={submit} className="stack">
        <TextField
          label="Locale"
          value={locale}
          onChange={setLocale}
          placeholder="fr, de, pt-BR"
          autoFocus
          error={touched ? problem : null}
          description="Profiles whose locale matches get this variant; a field you do not translate falls back to the language (fr-CA → fr), then to the default content."
        />
      </form>
    </Dialog>
  );
}

export function PublishTemplateDialog({
  isOpen,
  onOpenChange,
  template,
  beforePublish,
}: {
  isOpen: boolean;
  onOpenChange: (open: boolean) => void;
  template: TemplateDto;
  beforePublish: () => Promise<void>;
}) {
  const queryClient = useQueryClient();
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  async function publish() {
    setBusy(true);
    setError(null);
    try {
      await beforePublish();
      const version = await templatesPublish(template.key, { note: note.trim() || undefined });
      await queryClient.invalidateQueries({ queryKey: getTemplatesGetQueryKey(template.key) });
      await queryClient.invalidateQueries({ queryKey: getTemplatesListQueryKey() });
      await queryClient.invalidateQueries({ queryKey: getTemplatesVersionsQueryKey(template.key) });
      notify(
        version.version === template.publishedVersion
          ? `Nothing new to publish: v${version.version} is current`
          : `Published v${version.version}`,
        { description: 'Sends use the published version.' },
      );
      setNote('');
      onOpenChange(false);
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  }
  return (
    <Dialog
      title={`Publish “${template.name}”`}
      isOpen={isOpen}
      onOpenChange={onOpenChange}
      footer={
        <>
          <Button onPress={() => onOpenChange(false)}>Cancel</Button>
          <Button variant="primary" onPress={() => void publish()} isDisabled={busy}>
            {busy ? 'Publishing…' : 'Publish'}
          </Button>
        </>
      }
    >
      <p className="muted">
        The draft becomes version {(template.publishedVersion ?? 0) + 1}. Journeys and sends use it from now on; published versions never
        change.
      </p>
      <TextField label="What changed (optional)" value={note} onChange={setNote} multiline rows={3} />
      {Boolean(error) && <ErrorNotice title="The template could not be published." error={error} />}
    </Dialog>
  );
}

export function TemplateVersionsDrawer({
  isOpen,
  onOpenChange,
  template,
  onRestore,
  readOnly,
}: {
  isOpen: boolean;
  onOpenChange: (open: boolean) => void;
  template: TemplateDto;
  onRestore: (content: TemplateContentDto, version: number) => void;
  readOnly: boolean;
}) {
  const versions = useTemplatesVersions(template.key, { query: { enabled: isOpen } });
  const [restoring, setRestoring] = useState<number | null>(null);
  async function restore(version: number) {
    setRestoring(version);
    try {
      const stored = await templatesVersion(template.key, version);
      onRestore(stored.content, version);
      onOpenChange(false);
    } catch (error) {
      notify(`Version ${version} could not be loaded`, { tone: 'danger', description: (error as Error).message });
    } finally {
      setRestoring(null);
    }
  }
  return (
    <Dialog title="Versions" isOpen={isOpen} onOpenChange={onOpenChange} drawer>
      {versions.isPending && <Spinner label="Loading versions…" />}
      {versions.isError && (
        <ErrorNotice title="The versions could not be loaded." error={versions.error} onRetry={() => void versions.refetch()} />
      )}
      {versions.isSuccess && versions.data.length === 0 && (
        <p className="muted">Nothing is published yet. Publish the draft to create version 1.</p>
      )}
      {versions.isSuccess && versions.data.length > 0 && (
        <ol className="version-list">
          {versions.data.map((version) => (
            <li key={version.version} className="version-list__item">
              <div className="version-list__head">
                <strong>v{version.version}</strong>
                {version.version === template.publishedVersion && <Badge tone="success">Live</Badge>}
                <span className="muted" title={dateTime(version.publishedAt)}>
                  {timeAgo(version.publishedAt)}
                </span>
              </div>
              <div className="muted">{version.channels.map((c) => CHANNEL_LABELS[c]).join(', ')}</div>
              {version.note && <p>{version.note}</p>}
              {!readOnly && (
                <Button size="sm" onPress={() => void restore(version.version)} isDisabled={restoring !== null}>
                  <RotateCcw size={14} aria-hidden /> {restoring === version.version ? 'Loading…' : 'Restore into the draft'}
                </Button>
              )}
            </li>
          ))}
        </ol>
      )}
    </Dialog>
  );
}

function OutcomeView({ outcome }: { outcome: DeliveryOutcomeDto }) {
  return (
    <div className="stack" data-testid="test-send-outcome">
      <div className="cell-stack">
        <strong>Outcome:</strong> <Badge tone={OUTCOME_TONES[outcome.status]}>{outcome.status}</Badge>
      </div>
      <ul className="outcome-list">
        {outcome.channels.map((channel, index) => {
          const explained = explainReason(channel.reason);
          return (
            <li key={`${channel.channel}:${index}`} className="outcome-list__item">
              <span className="cell-stack">
                <strong>{channel.channel}</strong>
                <Badge tone={OUTCOME_TONES[channel.status]}>{channel.status}</Badge>
              </span>
              {explained && <span>{explained.summary}</span>}
              <span className="toolbar">
                {explained?.action && (
                  <Link className="button button--sm" to={explained.action.to}>
                    {explained.action.label}
                  </Link>
                )}
                {channel.messageId && (
                  <Link className="button button--sm" to={`/messages/${channel.messageId}`}>
                    <ExternalLink size={14} aria-hidden /> Open the message
                  </Link>
                )}
              </span>
            </li>
          );
        })}
      </ul>
    </div>
  );
}

export function TestSendDialog({
  isOpen,
  onOpenChange,
  template,
  channels,
  defaultUserId,
  data,
  beforeSend,
}: {
  isOpen: boolean;
  onOpenChange: (open: boolean) => void;
  template: TemplateDto;
  channels: TemplateChannel[];
  defaultUserId: string;
  data?: Record<string, unknown>;
  beforeSend: () => Promise<void>;
}) {
  const [userId, setUserId] = useState(defaultUserId);
  const [chosen, setChosen] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [outcome, setOutcome] = useState<DeliveryOutcomeDto | null>(null);
  const options = channels.flatMap((channel) => DELIVERY_CHANNELS_OF[channel]);

  async function send() {
    setBusy(true);
    setError(null);
    setOutcome(null);
    try {
      await beforeSend();
      setOutcome(
        await sendTemplateTest(template.key, {
          userId: userId.trim(),
          version: 'draft',
          data,
          channels: chosen.length > 0 ? (chosen as TestSendDtoChannelsItem[]) : undefined,
        }),
      );
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  }

  return (
    <Dialog
      title="Send a test"
      isOpen={isOpen}
      onOpenChange={onOpenChange}
      size="lg"
      footer={
        <>
          <Button onPress={() => onOpenChange(false)}>Close</Button>
          <Button variant="primary" onPress={() => void send()} isDisabled={busy || userId.trim() === ''}>
            {busy ? 'Sending…' : 'Send test'}
          </Button>
        </>
      }
    >
      <p className="muted">
        The draft goes to one profile through the real pipeline: routing, preferences, frequency caps and the configured providers (quiet
        hours are skipped for tests).
      </p>
      <ProfilePicker label="Send to profile" value={userId} onChange={setUserId} />
      <fieldset className="checkbox-row">
        <legend className="field__label">Channels</legend>
        {options.map((option) => (
          <CheckboxField
            key={option.id}
            label={option.label}
            value={chosen.includes(option.id)}
            onChange={(on) => setChosen((list) => (on ? [...list, option.id] : list.filter((c) => c !== option.id)))}
          />
        ))}
        <p className="field__description">None chosen: the first channel that delivers, in routing order.</p>
      </fieldset>
      {Boolean(error) && <ErrorNotice title="The test could not be sent." error={error} />}
      {outcome && <OutcomeView outcome={outcome} />}
    </Dialog>
  );
}
