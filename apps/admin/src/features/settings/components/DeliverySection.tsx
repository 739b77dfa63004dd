import {
  type DeliverySettingsDto,
  type FrequencyCapDto,
  getSettingsGetQueryKey,
  settingsReplace,
  useSettingsGet,
  useWorkspacesGet,
} from '@itinera/sdk';
import { Plus, Trash2 } from 'lucide-react';
import { useState } from 'react';
import { Card } from '../../../components/Card';
import { CheckboxField, ComboField, SelectField, TextField } from '../../../components/fields';
import { Button, ErrorNotice, IconButton, Spinner } from '../../../components/ui';
import { parseClock, quietHoursSentence, quietHoursSummary, WEEKDAY_NAMES, WEEKDAYS, type Weekday } from '../model/quiet-hours-preview';
import { useAction } from './useAction';

const TIME_ZONES = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : ['UTC'];
const UNITS = [
  { id: '60', label: 'minutes' },
  { id: '3600', label: 'hours' },
  { id: '86400', label: 'days' },
  { id: '604800', label: 'weeks' },
];
const CHANNELS = ['email', 'sms', 'push', 'slack', 'teams', 'inapp', 'webhook'];

interface CapRow {
  id: string;
  scope: 'global' | 'channel';
  channel: string;
  limit: string;
  every: string;
  unit: string;
  action: 'skip' | 'defer';
}

function toRow(cap: FrequencyCapDto): CapRow {
  const unit = [...UNITS].reverse().find((u) => cap.windowSeconds % Number(u.id) === 0) ?? UNITS[0];
  return {
    id: cap.id ?? '',
    scope: cap.scope,
    channel: cap.channel ?? 'email',
    limit: String(cap.limit),
    every: String(cap.windowSeconds / Number(unit.id)),
    unit: unit.id,
    action: cap.action,
  };
}

/** Quiet hours (with their effect in words), global frequency caps and the cooldown. */
export function DeliverySection({ isOwner }: { isOwner: boolean }) {
  const settings = useSettingsGet();
  if (settings.isPending) return <Spinner label="Loading delivery settings…" />;
  if (settings.isError)
    return (
      <ErrorNotice title="The delivery settings could not be loaded." error={settings.error} onRetry={() => void settings.refetch()} />
    );
  return <DeliveryForm settings={settings.data} isOwner={isOwner} />;
}

function DeliveryForm({ settings, isOwner }: { settings: DeliverySettingsDto; isOwner: boolean }) {
  const workspace = useWorkspacesGet();
  const action = useAction();
  const [quiet, setQuiet] = useState(settings.quietHours);
  const [caps, setCaps] = useState<CapRow[]>(settings.frequencyCaps.map(toRow));
  const [cooldown, setCooldown] = useState(settings.cooldownSeconds ? String(Math.round(settings.cooldownSeconds / 60)) : '');
  const [sampleTime, setSampleTime] = useState('22:00');
  const [sampleDay, setSampleDay] = useState<Weekday>('fri');
  const readOnly = !isOwner;
  const zone = quiet.defaultTimezone || workspace.data?.defaultTimezone || 'UTC';
  const days = quiet.days && quiet.days.length > 0 ? quiet.days : [...WEEKDAYS];
  const clockProblem = (value: string) => (parseClock(value) === null ? 'A 24-hour time, HH:MM (e.g. 21:00).' : null);
  const capProblems = caps.map((cap) =>
    !/^\d+$/.test(cap.limit) || Number(cap.limit) < 1
      ? 'The limit is a whole number, 1 or more.'
      : !/^\d+$/.test(cap.every) || Number(cap.every) * Number(cap.unit) < 60
        ? 'The window is at least a minute.'
        : null,
  );
  const invalid = Boolean(
    clockProblem(quiet.start) || clockProblem(quiet.end) || capProblems.some(Boolean) || (cooldown && !/^\d+$/.test(cooldown)),
  );

  async function save() {
    if (invalid) return;
    const body: DeliverySettingsDto = {
      quietHours: {
        enabled: quiet.enabled,
        start: quiet.start,
        end: quiet.end,
        ...(quiet.days && quiet.days.length > 0 && quiet.days.length < 7 ? { days: quiet.days } : {}),
        ...(quiet.defaultTimezone ? { defaultTimezone: quiet.defaultTimezone } : {}),
      },
      frequencyCaps: caps.map((cap) => ({
        ...(cap.id.trim() ? { id: cap.id.trim() } : {}),
        scope: cap.scope,
        ...(cap.scope === 'channel' ? { channel: cap.channel } : {}),
        limit: Number(cap.limit),
        windowSeconds: Number(cap.every) * Number(cap.unit),
        action: cap.action,
      })),
      ...(cooldown ? { cooldownSeconds: Number(cooldown) * 60 } : {}),
    };
    const saved = await action.run(() => settingsReplace(body), {
      refresh: [getSettingsGetQueryKey()],
      success: 'Saved the delivery settings',
    });
    if (saved) setCaps(saved.frequencyCaps.map(toRow));
  }

  const setCap = (index: number, patch: Partial<CapRow>) => setCaps(caps.map((cap, i) => (i === index ? { ...cap, ...patch } : cap)));

  return (
    <div className="stack">
      <Card title="Quiet hours" description="Non-urgent messages that fall inside them wait for their end, in each person's own time zone.">
        <CheckboxField
          label="Defer messages during quiet hours"
          value={quiet.enabled}
          onChange={(enabled) => setQuiet({ ...quiet, enabled })}
          isDisabled={readOnly}
        />
        <div className="form-grid form-grid--3">
          <TextField
            label="Start"
            value={quiet.start}
            onChange={(start) => setQuiet({ ...quiet, start })}
            isReadOnly={readOnly}
            error={clockProblem(quiet.start)}
          />
          <TextField
            label="End"
            value={quiet.end}
            onChange={(end) => setQuiet({ ...quiet, end })}
            isReadOnly={readOnly}
            error={clockProblem(quiet.end)}
            description="Earlier than the start: the next day."
          />
          <ComboField
            label="Time zone for people without one"
            value={quiet.defaultTimezone ?? ''}
            onChange={(defaultTimezone) => setQuiet({ ...quiet, defaultTimezone: defaultTimezone || undefined })}
            options={TIME_ZONES.map((z) => ({ id: z, label: z }))}
            placeholder={workspace.data?.defaultTimezone ?? 'UTC'}
            isDisabled={readOnly}
            description="Empty: the workspace's default time zone."
          />
        </div>
        <fieldset className="checkbox-row">
          <legend className="field__label">Days on which quiet hours start</legend>
          {WEEKDAYS.map((day) => (
            <CheckboxField
              key={day}
              label={WEEKDAY_NAMES[day].slice(0, 3)}
              value={days.includes(day)}
              isDisabled={readOnly}
              onChange={(on) =>
                setQuiet({ ...quiet, days: on ? WEEKDAYS.filter((d) => d === day || days.includes(d)) : days.filter((d) => d !== day) })
              }
            />
          ))}
        </fieldset>
        <div className="preview-words" data-testid="quiet-hours-preview">
          <p>
            <strong>{quietHoursSummary(quiet)}</strong>
          </p>
          <div className="form-grid form-grid--3">
            <TextField label="Try a send at" value={sampleTime} onChange={setSampleTime} error={clockProblem(sampleTime)} />
            <SelectField
              label="On"
              value={sampleDay}
              onChange={(d) => setSampleDay(d as Weekday)}
              options={WEEKDAYS.map((d) => ({ id: d, label: WEEKDAY_NAMES[d] }))}
            />
          </div>
          {!clockProblem(sampleTime) && !clockProblem(quiet.start) && !clockProblem(quiet.end) && (
            <p data-testid="quiet-hours-sentence">{quietHoursSentence(quiet, sampleDay, sampleTime, zone)}</p>
          )}
        </div>
      </Card>

      <Card
        title="Frequency caps"
        description="At most so many messages to one person per window, across journeys; per channel or for all of them. A capped message names its cap by id."
      >
        {caps.length === 0 && <p className="muted">No cap: journeys' own caps and the cooldown are the only limits.</p>}
        {caps.map((cap, index) => (
          <fieldset key={index} className="cap-row" aria-label={`Cap ${index + 1}`}>
            <TextField
              label="Id (optional)"
              value={cap.id}
              onChange={(id) => setCap(index, { id })}
              isReadOnly={readOnly}
              description="Named in the reason of a capped message."
            />
            <TextField label="At most" value={cap.limit} onChange={(limit) => setCap(index, { limit })} isReadOnly={readOnly} />
            <TextField label="Per" value={cap.every} onChange={(every) => setCap(index, { every })} isReadOnly={readOnly} />
            <SelectField label="Unit" value={cap.unit} onChange={(unit) => setCap(index, { unit })} options={UNITS} isDisabled={readOnly} />
            <SelectField
              label="On"
              value={cap.scope === 'global' ? 'global' : cap.channel}
              onChange={(v) => setCap(index, v === 'global' ? { scope: 'global' } : { scope: 'channel', channel: v })}
              options={[{ id: 'global', label: 'All channels' }, ...CHANNELS.map((c) => ({ id: c, label: c }))]}
              isDisabled={readOnly}
            />
            <SelectField
              label="Then"
              value={cap.action}
              onChange={(a) => setCap(index, { action: a as 'skip' | 'defer' })}
              options={[
                { id: 'skip', label: 'Skip the message' },
                { id: 'defer', label: 'Send it later' },
              ]}
              isDisabled={readOnly}
            />
            {!readOnly && (
              <IconButton label={`Remove cap ${index + 1}`} onPress={() => setCaps(caps.filter((_, i) => i !== index))}>
                <Trash2 size={14} aria-hidden />
              </IconButton>
            )}
            {capProblems[index] && <p className="field__error cap-row__problem">{capProblems[index]}</p>}
          </fieldset>
        ))}
        {!readOnly && (
          <Button
            size="sm"
            className="align-start"
            onPress={() =>
              setCaps([...caps, { id: '', scope: 'global', channel: 'email', limit: '3', every: '1', unit: '86400', action: 'skip' }])
            }
          >
            <Plus size={14} aria-hidden /> Add a cap
          </Button>
        )}
        <TextField
          label="Cooldown in minutes (optional)"
          value={cooldown}
          onChange={setCooldown}
          isReadOnly={readOnly}
          description="The least time between two messages to one person; empty: none."
          error={cooldown && !/^\d+$/.test(cooldown) ? 'A whole number of minutes.' : null}
        />
      </Card>
      {Boolean(action.error) && <ErrorNotice title="The delivery settings were not saved." error={action.error} />}
      {isOwner ? (
        <Button variant="primary" className="align-start" onPress={() => void save()} isDisabled={invalid || action.busy}>
          {action.busy ? 'Saving…' : 'Save delivery settings'}
        </Button>
      ) : (
        <p className="muted">Only owners of the workspace can change the delivery settings.</p>
      )}
    </div>
  );
}
