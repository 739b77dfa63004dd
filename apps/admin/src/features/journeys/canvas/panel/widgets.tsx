import { WEEKDAYS } from '@itinera/journey-model';
import { type TemplateSummaryDto, type TopicDto, useTemplatesGet } from '@itinera/sdk';
import { Liquid } from 'liquidjs';
import { Braces, Plus, Trash2 } from 'lucide-react';
import { useMemo, useRef, useState } from 'react';
import { Menu, MenuItem, MenuTrigger, Popover, ToggleButton, ToggleButtonGroup } from 'react-aria-components';
import { Link } from 'react-router-dom';
import { CheckboxField, ComboField, type Option, TextField } from '../../../../components/fields';
import { Button, IconButton } from '../../../../components/ui';
import { formatDuration, parseDuration } from '../model/durations';
import { CHANNEL_LABELS } from '../model/summaries';
import type { ContextField } from './seen-fields';

const liquid = new Liquid({ strictFilters: true });

/** The Liquid syntax error in a text, if any (unknown filters included). */
export function liquidError(text: string): string | null {
  try {
    liquid.parse(text);
    return null;
  } catch (error) {
    return (error as Error).message.split('\n')[0];
  }
}

interface WidgetBase {
  label: string;
  description?: string;
  isReadOnly?: boolean;
  error?: string | null;
}

/** Liquid text with a picker that inserts `{{ variable }}` where the cursor is, and the syntax error inline. */
export function LiquidField({
  label,
  description,
  value,
  onChange,
  fields,
  multiline,
  isReadOnly,
  error,
}: WidgetBase & { value: string; onChange: (value: string) => void; fields: ContextField[]; multiline?: boolean }) {
  const cursor = useRef<number | null>(null);
  const syntax = liquidError(value);
  return (
    <div className="liquid">
      <TextField
        label={label}
        description={description}
        value={value}
        onChange={onChange}
        multiline={multiline}
        rows={multiline ? 5 : undefined}
        monospace
        isReadOnly={isReadOnly}
        error={syntax ? `Liquid: ${syntax}` : error}
        onSelectionChange={(position) => (cursor.current = position)}
      />
      {!isReadOnly && (
        <MenuTrigger>
          <Button size="sm" variant="ghost" className="liquid__picker" aria-label={`Insert a variable into ${label}`}>
            <Braces size={14} aria-hidden /> Variable
          </Button>
          <Popover className="popover popover--list-narrow" placement="bottom end">
            <Menu
              className="menu"
              aria-label="Variables"
              items={fields.map((field) => ({ id: field.path, ...field }))}
              onAction={(path) => {
                const at = cursor.current ?? value.length;
                onChange(`${value.slice(0, at)}{{ ${String(path)} }}${value.slice(at)}`);
              }}
              renderEmptyState={() => <div className="listbox__empty">No variables known yet</div>}
            >
              {(field) => (
                <MenuItem id={field.path} className="menu__item" textValue={field.path}>
                  <span className="menu__group">{field.group}</span> {field.path}
                </MenuItem>
              )}
            </Menu>
          </Popover>
        </MenuTrigger>
      )}
    </div>
  );
}

/** Seconds typed as a duration ("3 days"); the stored number is shown back in words. */
export function DurationField({
  label,
  description,
  value,
  onChange,
  isReadOnly,
  allowNegative,
  error,
}: WidgetBase & { value: number | undefined; onChange: (seconds: number | undefined) => void; allowNegative?: boolean }) {
  const [typing, setTyping] = useState<string | null>(null);
  const shown = typing ?? (typeof value === 'number' ? formatDuration(value) : '');
  const parsed = typing === null ? value : parseDuration(typing);
  const problem =
    typing !== null && typing.trim() !== '' && (parsed === null || (!allowNegative && (parsed ?? 0) <= 0))
      ? 'Type a duration such as "3 days", "2 hours" or "1h 30m".'
      : null;
  return (
    <TextField
      label={label}
      description={description ?? (typeof parsed === 'number' && typing !== null && !problem ? `= ${formatDuration(parsed)}` : undefined)}
      value={shown}
      placeholder="3 days"
      isReadOnly={isReadOnly}
      error={problem ?? error}
      onChange={(text) => {
        setTyping(text);
        const seconds = parseDuration(text);
        if (text.trim() === '') onChange(undefined);
        else if (seconds !== null && (allowNegative || seconds > 0)) onChange(seconds);
      }}
      onBlur={() => setTyping(null)}
    />
  );
}

/** Any JSON value, parsed as it is typed; empty means absent. */
export function JsonField({
  label,
  description,
  value,
  onChange,
  isReadOnly,
}: WidgetBase & { value: unknown; onChange: (value: unknown) => void }) {
  const [typing, setTyping] = useState<string | null>(null);
  const shown = typing ?? (value === undefined ? '' : JSON.stringify(value, null, 2));
  let problem: string | null = null;
  if (typing !== null && typing.trim() !== '') {
    try {
      JSON.parse(typing);
    } catch (error) {
      problem = `Not JSON: ${(error as Error).message}`;
    }
  }
  return (
    <TextField
      label={label}
      description={description}
      value={shown}
      multiline
      rows={4}
      monospace
      isReadOnly={isReadOnly}
      error={problem}
      onChange={(text) => {
        setTyping(text);
        if (text.trim() === '') onChange(undefined);
        else {
          try {
            onChange(JSON.parse(text));
          } catch {
            // Shown inline until it parses.
          }
        }
      }}
      onBlur={() => setTyping(null)}
    />
  );
}

/** A list of short strings (classify labels), typed comma-separated. */
export function TagsField({
  label,
  description,
  value,
  onChange,
  isReadOnly,
}: WidgetBase & { value: string[] | undefined; onChange: (value: string[] | undefined) => void }) {
  const [typing, setTyping] = useState<string | null>(null);
  return (
    <TextField
      label={label}
      description={description ?? 'Separate them with commas.'}
      value={typing ?? (value ?? []).join(', ')}
      isReadOnly={isReadOnly}
      onChange={(text) => {
        setTyping(text);
        const items = text
          .split(',')
          .map((item) => item.trim())
          .filter(Boolean);
        onChange(items.length > 0 ? [...new Set(items)] : undefined);
      }}
      onBlur={() => setTyping(null)}
    />
  );
}

/** Literal JSON values (true, 42, null) stay typed; anything else is a (Liquid) string. */
function typedValue(text: string): unknown {
  if (/^(true|false|null|-?\d+(\.\d+)?)$/.test(text.trim())) return JSON.parse(text.trim());
  return text;
}

/** Trait → value (update_profile) or header → value: rows of two inputs. */
export function KeyValueField({
  label,
  description,
  value,
  onChange,
  isReadOnly,
  keyLabel,
  typed,
}: WidgetBase & {
  value: Record<string, unknown> | undefined;
  onChange: (value: Record<string, unknown> | undefined) => void;
  keyLabel: string;
  typed?: boolean;
}) {
  const entries = Object.entries(value ?? {});
  const write = (rows: Array<[string, unknown]>) => onChange(rows.length > 0 ? Object.fromEntries(rows) : typed ? {} : undefined);
  return (
    <fieldset className="kv">
      <legend className="field__label">{label}</legend>
      {description && <p className="field__description">{description}</p>}
      {entries.map(([key, item], index) => (
        <div className="kv__row" key={index}>
          <TextField
            label={keyLabel}
            value={key}
            isReadOnly={isReadOnly}
            onChange={(text) => write(entries.map((entry, i) => (i === index ? [text, entry[1]] : entry)))}
          />
          <TextField
            label="Value"
            value={typeof item === 'string' ? item : JSON.stringify(item)}
            monospace
            isReadOnly={isReadOnly}
            onChange={(text) => write(entries.map((entry, i) => (i === index ? [entry[0], typed ? typedValue(text) : text] : entry)))}
          />
          {!isReadOnly && (
            <IconButton label={`Remove ${key || 'row'}`} onPress={() => write(entries.filter((_, i) => i !== index))}>
              <Trash2 size={14} aria-hidden />
            </IconButton>
          )}
        </div>
      ))}
      {!isReadOnly && (
        <Button size="sm" onPress={() => write([...entries, [entries.some(([k]) => k === '') ? `key_${entries.length + 1}` : '', '']])}>
          <Plus size={14} aria-hidden /> Add {keyLabel.toLowerCase()}
        </Button>
      )}
    </fieldset>
  );
}

const CHANNELS = ['email', 'sms', 'push', 'chat', 'inapp', 'webhook'];

/** The channels a send tries, in routing order: checked channels keep the order they were checked in. */
export function ChannelsField({
  label,
  description,
  value,
  onChange,
  isReadOnly,
}: WidgetBase & { value: string[] | undefined; onChange: (value: string[] | undefined) => void }) {
  const chosen = value ?? [];
  return (
    <fieldset className="choices">
      <legend className="field__label">{label}</legend>
      {description && <p className="field__description">{description}</p>}
      <div className="choices__row">
        {CHANNELS.map((channel) => (
          <CheckboxField
            key={channel}
            label={CHANNEL_LABELS[channel] ?? channel}
            value={chosen.includes(channel)}
            isDisabled={isReadOnly}
            onChange={(on) => {
              const next = on ? [...chosen, channel] : chosen.filter((c) => c !== channel);
              onChange(next.length > 0 ? next : undefined);
            }}
          />
        ))}
      </div>
      {chosen.length > 1 && <p className="field__description">Order: {chosen.map((c) => CHANNEL_LABELS[c] ?? c).join(' → ')}</p>}
    </fieldset>
  );
}

export function WeekdaysField({
  label,
  description,
  value,
  onChange,
  isReadOnly,
}: WidgetBase & { value: string[] | undefined; onChange: (value: string[] | undefined) => void }) {
  return (
    <div className="field">
      <span className="field__label" id="weekdays-label">
        {label}
      </span>
      <ToggleButtonGroup
        aria-labelledby="weekdays-label"
        selectionMode="multiple"
        selectedKeys={value ?? []}
        isDisabled={isReadOnly}
        onSelectionChange={(keys) => {
          const days = WEEKDAYS.filter((day) => keys.has(day));
          onChange(days.length > 0 ? days : undefined);
        }}
        className="weekdays"
      >
        {WEEKDAYS.map((day) => (
          <ToggleButton key={day} id={day} className="weekdays__day">
            {day[0].toUpperCase() + day.slice(1)}
          </ToggleButton>
        ))}
      </ToggleButtonGroup>
      {description && <span className="field__description">{description}</span>}
    </div>
  );
}

const TIME_ZONES: Option[] = [
  { id: 'profile', label: 'profile', description: "The profile's time zone" },
  ...(typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : []).map((zone) => ({ id: zone, label: zone })),
];

export function TimezoneField({
  label,
  description,
  value,
  onChange,
  isReadOnly,
}: WidgetBase & { value: string; onChange: (value: string) => void }) {
  return (
    <ComboField
      label={label}
      description={description}
      value={value}
      onChange={onChange}
      options={TIME_ZONES}
      isDisabled={isReadOnly}
      placeholder="profile"
    />
  );
}

/** A template by key, with its channels and subject as a preview and a link to the templates page. */
export function TemplateField({
  label,
  description,
  value,
  onChange,
  templates,
  isReadOnly,
  error,
}: WidgetBase & { value: string; onChange: (value: string) => void; templates: TemplateSummaryDto[] }) {
  const options = useMemo(
    () => templates.map((t) => ({ id: t.key, label: t.key, description: t.publishedVersion ? t.name : `${t.name} · not published` })),
    [templates],
  );
  const known = templates.find((t) => t.key === value);
  const detail = useTemplatesGet(value, { query: { enabled: Boolean(known), staleTime: 30_000 } });
  const subject = detail.data?.content.email?.subject ?? detail.data?.content.push?.title ?? detail.data?.content.inapp?.title;
  return (
    <div className="field">
      <ComboField
        label={label}
        description={description}
        value={value}
        onChange={onChange}
        options={options}
        isDisabled={isReadOnly}
        error={error}
        placeholder="welcome"
      />
      {known ? (
        <div className="template-preview" aria-label="Template preview">
          <span className="template-preview__channels">{known.channels.map((c) => CHANNEL_LABELS[c] ?? c).join(' · ')}</span>
          {subject && <span className="template-preview__subject">“{subject}”</span>}
          {!known.publishedVersion && <span className="field__error">Not published yet: sends would fail.</span>}
          <Link to={`/templates?key=${encodeURIComponent(known.key)}`} className="template-preview__link">
            Edit the template
          </Link>
        </div>
      ) : (
        value && <span className="field__description">No template "{value}" in this workspace yet.</span>
      )}
    </div>
  );
}

export function TopicField({
  label,
  description,
  value,
  onChange,
  topics,
  isReadOnly,
}: WidgetBase & { value: string; onChange: (value: string) => void; topics: TopicDto[] }) {
  const options = useMemo(
    () => topics.map((t) => ({ id: t.key, label: t.key, description: `${t.name} · ${t.defaultPreference.replace('_', ' ')}` })),
    [topics],
  );
  return (
    <ComboField
      label={label}
      description={description}
      value={value}
      onChange={onChange}
      options={options}
      isDisabled={isReadOnly}
      placeholder="onboarding"
    />
  );
}
