import type { TemplateContentDto } from '@itinera/sdk';
import { Languages, LayoutTemplate, Plus, RotateCcw, Trash2 } from 'lucide-react';
import { useEffect, useId, useMemo, useRef, useState } from 'react';
import { Menu, MenuItem, MenuTrigger, Popover } from 'react-aria-components';
import { CheckboxField, TextField } from '../../../components/fields';
import { Badge, Button, IconButton } from '../../../components/ui';
import { EMAIL_STARTERS } from '../model/starters';
import {
  CHANNEL_FIELDS,
  type FieldDef,
  type FieldSource,
  fieldPath,
  ownValue,
  resolveField,
  setField,
  type TemplateChannel,
} from '../model/template-content';
import { describeFieldProblem, type FieldProblem, jsonProblem, problemsAt, type TemplateProblems } from '../model/template-problems';
import { CodeEditor, type CodeEditorHandle } from './CodeEditor';
import { useInsertion } from './insertion';

interface ChannelFieldsProps {
  channel: TemplateChannel;
  content: TemplateContentDto;
  onChange: (content: TemplateContentDto) => void;
  /** The locale variant being edited; null for the default content. */
  locale: string | null;
  problems: TemplateProblems;
  readOnly: boolean;
  variables: string[];
}

function sourceLabel(source: FieldSource): string {
  if (source.from === 'locale') return `Falls back to ${source.locale}`;
  if (source.from === 'default') return 'Falls back to the default';
  return 'Not set';
}

/** The fields of one channel block, for the default content or a locale variant. */
export function ChannelFields({ channel, content, onChange, locale, problems, readOnly, variables }: ChannelFieldsProps) {
  return (
    <div className="template-fields">
      {CHANNEL_FIELDS[channel].map((field) => {
        const own = ownValue(content, channel, field.name, locale);
        const resolved = resolveField(content, channel, field.name, locale);
        const path = fieldPath(channel, field.name, locale);
        const fieldProblems = problemsAt(problems, path);
        const set = (value: unknown) => onChange(setField(content, channel, field.name, locale, value));
        const translating = locale !== null;
        const fallsBack = translating && own === undefined;
        const baseMissing = translating && ownValue(content, channel, field.name, null) === undefined;
        if (translating && baseMissing && own === undefined) return null;
        return (
          <div className="template-field" key={`${locale ?? ''}:${channel}:${field.name}`} data-field={path}>
            {translating && (
              <div className="template-field__variant">
                {fallsBack ? (
                  <>
                    <Badge tone="neutral">{sourceLabel(resolved.source)}</Badge>
                    {!readOnly && (
                      <Button size="sm" variant="ghost" onPress={() => set(resolved.value)} aria-label={`Translate ${field.label}`}>
                        <Languages size={14} aria-hidden /> Translate
                      </Button>
                    )}
                  </>
                ) : (
                  <>
                    <Badge tone="info">Translated ({locale})</Badge>
                    {!readOnly && (
                      <Button size="sm" variant="ghost" onPress={() => set(undefined)} aria-label={`Use fallback for ${field.label}`}>
                        <RotateCcw size={14} aria-hidden /> Use fallback
                      </Button>
                    )}
                  </>
                )}
              </div>
            )}
            <FieldEditor
              field={field}
              channel={channel}
              value={fallsBack ? undefined : own}
              fallback={fallsBack ? resolved.value : undefined}
              onChange={set}
              problems={fieldProblems}
              readOnly={readOnly || fallsBack}
              variables={variables}
            />
          </div>
        );
      })}
    </div>
  );
}

interface FieldEditorProps {
  field: FieldDef;
  channel: TemplateChannel;
  value: unknown;
  /** Shown (read-only) when a locale variant takes the field from another variant. */
  fallback: unknown;
  onChange: (value: unknown) => void;
  problems: FieldProblem[];
  readOnly: boolean;
  variables: string[];
}

function FieldEditor({ field, channel, value, fallback, onChange, problems, readOnly, variables }: FieldEditorProps) {
  const error = problems.length > 0 ? problems.map(describeFieldProblem).join(' · ') : null;
  const label = `${field.label}${field.required ? '' : ' (optional)'}`;
  switch (field.kind) {
    case 'liquid':
      return (
        <LiquidInput
          label={label}
          description={field.description}
          value={typeof value === 'string' ? value : ''}
          placeholder={typeof fallback === 'string' ? fallback : undefined}
          onChange={(text) => onChange(text === '' && !field.required ? undefined : text)}
          multiline={field.multiline}
          readOnly={readOnly}
          error={error}
        />
      );
    case 'mjml':
      return (
        <MjmlField
          label={field.label}
          value={typeof value === 'string' ? value : typeof fallback === 'string' ? fallback : ''}
          onChange={onChange}
          problems={problems}
          readOnly={readOnly}
          variables={variables}
        />
      );
    case 'boolean':
      return (
        <CheckboxField
          label={field.label}
          value={value === true || (value === undefined && fallback === true)}
          onChange={onChange}
          isDisabled={readOnly}
        />
      );
    case 'stringMap':
      return (
        <StringMapField
          label={label}
          description={field.description}
          value={(value ?? fallback) as Record<string, string> | undefined}
          onChange={onChange}
          readOnly={readOnly}
          error={error}
        />
      );
    case 'json':
      return (
        <JsonField
          key={`${channel}:${field.name}:${readOnly}`}
          label={label}
          description={field.description}
          value={value ?? fallback}
          onChange={onChange}
          required={field.required ?? false}
          readOnly={readOnly}
          problems={problems}
        />
      );
  }
}

/** A Liquid text field that the variables panel inserts into, at the cursor. */
export function LiquidInput({
  label,
  description,
  value,
  onChange,
  placeholder,
  multiline,
  readOnly,
  error,
}: {
  label: string;
  description?: string;
  value: string;
  onChange: (value: string) => void;
  placeholder?: string;
  multiline?: boolean;
  readOnly?: boolean;
  error?: string | null;
}) {
  const input = useRef<HTMLInputElement & HTMLTextAreaElement>(null);
  const latest = useRef({ value, onChange });
  useEffect(() => {
    latest.current = { value, onChange };
  });
  const { setTarget } = useInsertion();
  const target = useMemo(
    () => ({
      label,
      insert(text: string) {
        const element = input.current;
        const { value: current, onChange: change } = latest.current;
        const start = element?.selectionStart ?? current.length;
        const end = element?.selectionEnd ?? start;
        change(`${current.slice(0, start)}${text}${current.slice(end)}`);
        requestAnimationFrame(() => {
          element?.focus();
          element?.setSelectionRange(start + text.length, start + text.length);
        });
      },
    }),
    [label],
  );
  return (
    <div onFocus={() => !readOnly && setTarget(target)}>
      <TextField
        label={label}
        description={description}
        value={value}
        onChange={onChange}
        placeholder={placeholder}
        multiline={multiline}
        rows={multiline ? 4 : undefined}
        monospace
        isReadOnly={readOnly}
        error={error}
        inputRef={input}
      />
    </div>
  );
}

function MjmlField({
  label,
  value,
  onChange,
  problems,
  readOnly,
  variables,
}: {
  label: string;
  value: string;
  onChange: (value: unknown) => void;
  problems: FieldProblem[];
  readOnly: boolean;
  variables: string[];
}) {
  const editor = useRef<CodeEditorHandle>(null);
  const { setTarget } = useInsertion();
  const labelId = useId();
  const errorId = useId();
  const target = useMemo(() => ({ label, insert: (text: string) => editor.current?.insert(text) }), [label]);
  const [confirming, setConfirming] = useState<string | null>(null);
  const codeProblems = useMemo(
    () => problems.filter((p) => p.line).map((p) => ({ line: p.line!, column: p.column, message: p.messages.join('; ') })),
    [problems],
  );
  const starter = EMAIL_STARTERS.find((s) => s.id === confirming);
  return (
    <div className="field">
      <div className="template-field__head">
        <span className="field__label" id={labelId}>
          {label}
        </span>
        {!readOnly && (
          <MenuTrigger>
            <Button size="sm" variant="ghost">
              <LayoutTemplate size={14} aria-hidden /> Start from a layout
            </Button>
            <Popover className="popover" placement="bottom end">
              <Menu className="menu" aria-label="Layouts" onAction={(id) => setConfirming(String(id))}>
                {EMAIL_STARTERS.map((s) => (
                  <MenuItem key={s.id} id={s.id} className="menu__item menu__item--stacked" textValue={s.name}>
                    <strong>{s.name}</strong>
                    <span className="listbox__hint">{s.description}</span>
                  </MenuItem>
                ))}
              </Menu>
            </Popover>
          </MenuTrigger>
        )}
      </div>
      {starter && (
        <div className="notice notice--warning" role="alert">
          <span>Replace the body with the “{starter.name}” layout? The current body is lost.</span>
          <Button
            size="sm"
            variant="primary"
            onPress={() => {
              onChange(starter.mjml);
              setConfirming(null);
            }}
          >
            Replace
          </Button>
          <Button size="sm" onPress={() => setConfirming(null)}>
            Keep the body
          </Button>
        </div>
      )}
      <div className={problems.length > 0 ? 'code-frame code-frame--invalid' : 'code-frame'} onFocus={() => !readOnly && setTarget(target)}>
        <CodeEditor
          ref={editor}
          label={label}
          value={value}
          onChange={onChange}
          language="mjml"
          problems={codeProblems}
          readOnly={readOnly}
          variables={variables}
          minHeight="22rem"
          describedBy={problems.length > 0 ? errorId : undefined}
        />
      </div>
      {problems.length > 0 && (
        <ul className="field__error template-problems" id={errorId} role="alert" data-testid="mjml-problems">
          {problems.map((problem, index) => (
            <li key={index}>{describeFieldProblem(problem)}</li>
          ))}
        </ul>
      )}
    </div>
  );
}

function JsonField({
  label,
  description,
  value,
  onChange,
  required,
  readOnly,
  problems,
}: {
  label: string;
  description?: string;
  value: unknown;
  onChange: (value: unknown) => void;
  required: boolean;
  readOnly: boolean;
  problems: FieldProblem[];
}) {
  const [text, setText] = useState(() => (value === undefined ? '' : JSON.stringify(value, null, 2)));
  const errorId = useId();
  const syntax = text.trim() === '' ? null : jsonProblem(text);
  const shapeProblem = !syntax && text.trim() === '' && required ? 'The body is required: write a JSON value.' : null;
  const shown = syntax
    ? [`Line ${syntax.line}, column ${syntax.column}: ${syntax.message}`]
    : shapeProblem
      ? [shapeProblem]
      : problems.map(describeFieldProblem);
  return (
    <div className="field">
      <span className="field__label">{label}</span>
      {description && <span className="field__description">{description}</span>}
      <div className={shown.length > 0 ? 'code-frame code-frame--invalid' : 'code-frame'}>
        <CodeEditor
          label={label}
          value={text}
          language="json"
          readOnly={readOnly}
          minHeight="10rem"
          problems={syntax ? [{ line: syntax.line, column: syntax.column, message: syntax.message }] : []}
          describedBy={shown.length > 0 ? errorId : undefined}
          onChange={(next) => {
            setText(next);
            if (next.trim() === '') {
              if (!required) onChange(undefined);
              return;
            }
            if (!jsonProblem(next)) onChange(JSON.parse(next));
          }}
        />
      </div>
      {shown.length > 0 && (
        <p className="field__error" id={errorId} role="alert">
          {shown.join(' · ')}
        </p>
      )}
    </div>
  );
}

function StringMapField({
  label,
  description,
  value,
  onChange,
  readOnly,
  error,
}: {
  label: string;
  description?: string;
  value: Record<string, string> | undefined;
  onChange: (value: unknown) => void;
  readOnly: boolean;
  error: string | null;
}) {
  const entries = Object.entries(value ?? {});
  const write = (rows: Array<[string, string]>) => onChange(rows.length > 0 ? Object.fromEntries(rows) : undefined);
  return (
    <fieldset className="kv-rows">
      <legend className="field__label">{label}</legend>
      {description && <p className="field__description">{description}</p>}
      {entries.map(([key, item], index) => (
        <div className="kv-rows__row" key={index}>
          <TextField
            label="Key"
            value={key}
            isReadOnly={readOnly}
            onChange={(text) => write(entries.map((entry, i) => (i === index ? [text, entry[1]] : entry)))}
          />
          <LiquidInput
            label="Value"
            value={item}
            readOnly={readOnly}
            onChange={(text) => write(entries.map((entry, i) => (i === index ? [entry[0], text] : entry)))}
          />
          {!readOnly && (
            <IconButton label={`Remove ${key || 'row'}`} onPress={() => write(entries.filter((_, i) => i !== index))}>
              <Trash2 size={14} aria-hidden />
            </IconButton>
          )}
        </div>
      ))}
      {!readOnly && (
        <Button size="sm" onPress={() => write([...entries, [`key_${entries.length + 1}`, '']])}>
          <Plus size={14} aria-hidden /> Add a key
        </Button>
      )}
      {error && <p className="field__error">{error}</p>}
    </fieldset>
  );
}
