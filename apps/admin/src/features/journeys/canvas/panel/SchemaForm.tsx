import type { Condition, JourneyProblem, JsonSchema } from '@itinera/journey-model';
import type { TemplateSummaryDto, TopicDto } from '@itinera/sdk';
import { Plus, Trash2 } from 'lucide-react';
import { CheckboxField, ComboField, type Option, SelectField, TextField } from '../../../../components/fields';
import { Button, IconButton } from '../../../../components/ui';
import { ConditionField } from './ConditionField';
import type { ContextField } from './seen-fields';
import {
  ChannelsField,
  DurationField,
  JsonField,
  KeyValueField,
  LiquidField,
  TagsField,
  TemplateField,
  TimezoneField,
  TopicField,
  WeekdaysField,
} from './widgets';

/** What the generated form's pickers offer. */
export interface FormContext {
  fields: ContextField[];
  profileFields: ContextField[];
  events: Option[];
  templates: TemplateSummaryDto[];
  topics: TopicDto[];
  plugins: Option[];
  readOnly: boolean;
  /** Problems of this step by the path inside its config (`/until/time`). */
  problems: Array<{ path: string; message: string }>;
  /** Keys the form uses to reset its widgets' own state when another step is shown. */
  resetKey: string;
}

type Value = Record<string, unknown>;
const isObject = (value: unknown): value is Value => typeof value === 'object' && value !== null && !Array.isArray(value);

function errorAt(context: FormContext, path: string): string | null {
  const problem = context.problems.find((p) => p.path === path || p.path.startsWith(`${path}/`));
  return problem ? problem.message : null;
}

/** Problems of a node keyed by the path inside its config. */
export function configProblems(problems: JourneyProblem[]): FormContext['problems'] {
  return problems.map((p) => ({ path: p.path.replace(/^\/nodes\/\d+\/config/, ''), message: p.message }));
}

function humanLabel(name: string, schema: JsonSchema): string {
  return typeof schema.title === 'string' ? schema.title : name.replace(/([A-Z])/g, ' $1').replace(/^./, (c) => c.toUpperCase());
}

interface PropertyProps {
  name: string;
  schema: JsonSchema;
  value: unknown;
  onChange: (value: unknown) => void;
  context: FormContext;
  path: string;
  required: boolean;
}

/** One property of a config, with the control its schema and `x-widget` call for. */
function Property({ name, schema, value, onChange, context, path, required }: PropertyProps) {
  const label = humanLabel(name, schema) + (required ? '' : ' (optional)');
  const description = typeof schema.description === 'string' ? schema.description : undefined;
  const widget = schema['x-widget'];
  const readOnly = context.readOnly;
  const error = errorAt(context, path);
  const key = `${context.resetKey}:${path}`;
  const asString = typeof value === 'string' ? value : '';

  switch (widget) {
    case 'condition':
      return (
        <ConditionField
          key={key}
          label={label}
          description={description}
          value={value as Condition | undefined}
          onChange={onChange}
          fields={name === 'segment' ? context.profileFields : context.fields}
          isReadOnly={readOnly}
        />
      );
    case 'liquid':
    case 'liquid-textarea':
    case 'textarea':
      return (
        <LiquidField
          label={label}
          description={description}
          value={asString}
          onChange={(text) => onChange(text === '' && !required ? undefined : text)}
          fields={context.fields}
          multiline={widget !== 'liquid'}
          isReadOnly={readOnly}
          error={error}
        />
      );
    case 'duration':
      return (
        <DurationField
          key={key}
          label={label}
          description={description}
          value={typeof value === 'number' ? value : undefined}
          onChange={onChange}
          isReadOnly={readOnly}
          allowNegative={name === 'offsetSeconds'}
          error={error}
        />
      );
    case 'event':
      return (
        <ComboField
          label={label}
          description={description}
          value={asString}
          onChange={onChange}
          options={context.events}
          isDisabled={readOnly}
          error={error}
          placeholder="signed_up"
        />
      );
    case 'template':
      return (
        <TemplateField
          label={label}
          description={description}
          value={asString}
          onChange={onChange}
          templates={context.templates}
          isReadOnly={readOnly}
          error={error}
        />
      );
    case 'topic':
      return (
        <TopicField
          label={label}
          description={description}
          value={asString}
          onChange={(v) => onChange(v === '' ? undefined : v)}
          topics={context.topics}
          isReadOnly={readOnly}
        />
      );
    case 'channels':
      return (
        <ChannelsField
          label={label}
          description={description}
          value={value as string[] | undefined}
          onChange={onChange}
          isReadOnly={readOnly}
        />
      );
    case 'timezone':
      return <TimezoneField label={label} description={description} value={asString} onChange={onChange} isReadOnly={readOnly} />;
    case 'weekdays':
      return (
        <WeekdaysField
          label={label}
          description={description}
          value={value as string[] | undefined}
          onChange={onChange}
          isReadOnly={readOnly}
        />
      );
    case 'trait':
      return (
        <ComboField
          label={label}
          description={description}
          value={asString}
          onChange={onChange}
          options={context.profileFields
            .filter((f) => f.path.startsWith('profile.traits.'))
            .map((f) => ({ id: f.path.slice('profile.traits.'.length), label: f.path.slice('profile.traits.'.length) }))}
          isDisabled={readOnly}
          error={error}
        />
      );
    case 'plugin':
      return (
        <SelectField
          label={label}
          description={description}
          value={asString || null}
          onChange={onChange}
          options={context.plugins}
          isDisabled={readOnly}
          error={error}
        />
      );
    case 'traits':
      return (
        <KeyValueField
          label={label}
          description={description ?? 'Values are Liquid; true, false and numbers stay typed.'}
          value={value as Value | undefined}
          onChange={onChange}
          isReadOnly={readOnly}
          keyLabel="Trait"
          typed
        />
      );
    case 'string-map':
      return (
        <KeyValueField
          label={label}
          description={description}
          value={value as Value | undefined}
          onChange={onChange}
          isReadOnly={readOnly}
          keyLabel="Header"
        />
      );
    case 'json':
      return <JsonField key={key} label={label} description={description} value={value} onChange={onChange} isReadOnly={readOnly} />;
  }

  if (Array.isArray(schema.enum)) {
    const options = (schema.enum as unknown[]).map((item) => ({ id: String(item), label: String(item) }));
    return (
      <SelectField
        label={label}
        description={description}
        value={typeof value === 'string' ? value : null}
        placeholder={schema.default !== undefined ? `Default: ${String(schema.default)}` : 'Choose…'}
        onChange={onChange}
        options={options}
        isDisabled={readOnly}
        error={error}
      />
    );
  }
  if (schema.type === 'boolean')
    return <CheckboxField label={label} value={value === true} onChange={(on) => onChange(on || undefined)} isDisabled={readOnly} />;
  if (schema.type === 'integer' || schema.type === 'number') {
    return (
      <TextField
        label={label}
        description={description}
        value={typeof value === 'number' ? String(value) : ''}
        isReadOnly={readOnly}
        error={error}
        onChange={(text) => {
          const number = Number(text);
          onChange(text.trim() === '' ? undefined : Number.isFinite(number) ? number : value);
        }}
      />
    );
  }
  if (schema.type === 'array' && isObject(schema.items) && schema.items.type === 'object') {
    return (
      <ObjectList
        name={name}
        label={label}
        description={description}
        schema={schema.items}
        value={Array.isArray(value) ? value : []}
        onChange={onChange}
        context={context}
        path={path}
      />
    );
  }
  if (schema.type === 'array')
    return (
      <TagsField
        key={key}
        label={label}
        description={description}
        value={value as string[] | undefined}
        onChange={onChange}
        isReadOnly={readOnly}
      />
    );
  if (schema.type === 'object' && isObject(schema.properties)) {
    return (
      <fieldset className="subform">
        <legend className="field__label">{label}</legend>
        <SchemaFields schema={schema} value={isObject(value) ? value : {}} onChange={onChange} context={context} path={path} />
      </fieldset>
    );
  }
  if (schema.type === 'string' || schema.type === undefined) {
    if (schema.type === undefined)
      return <JsonField key={key} label={label} description={description} value={value} onChange={onChange} isReadOnly={readOnly} />;
    return (
      <TextField
        label={label}
        description={description}
        value={asString}
        onChange={(text) => onChange(text === '' && !required ? undefined : text)}
        isReadOnly={readOnly}
        error={error}
      />
    );
  }
  return <JsonField key={key} label={label} description={description} value={value} onChange={onChange} isReadOnly={readOnly} />;
}

/** Branches and split variants: a card per item, with add and remove. */
function ObjectList({
  name,
  label,
  description,
  schema,
  value,
  onChange,
  context,
  path,
}: {
  name: string;
  label: string;
  description?: string;
  schema: JsonSchema;
  value: unknown[];
  onChange: (value: unknown) => void;
  context: FormContext;
  path: string;
}) {
  const itemLabel = name === 'branches' ? 'branch' : name === 'variants' ? 'variant' : 'item';
  function added(): Value {
    const ports = new Set(value.map((item) => (isObject(item) ? item.port : undefined)));
    if (name === 'variants') {
      const letter = 'abcdefghijklmnopqrstuvwxyz'.split('').find((l) => !ports.has(l)) ?? `v${value.length + 1}`;
      return { port: letter, weight: 50 };
    }
    let n = value.length + 1;
    while (ports.has(`branch_${n}`)) n++;
    return { port: `branch_${n}`, when: true };
  }
  return (
    <fieldset className="object-list">
      <legend className="field__label">{label}</legend>
      {description && <p className="field__description">{description}</p>}
      {value.map((item, index) => (
        <div key={index} className="object-list__item" data-testid={`${itemLabel}-${index}`}>
          <div className="object-list__head">
            <span>
              {itemLabel[0].toUpperCase() + itemLabel.slice(1)} {index + 1}
            </span>
            {!context.readOnly && (
              <IconButton label={`Remove ${itemLabel} ${index + 1}`} onPress={() => onChange(value.filter((_, i) => i !== index))}>
                <Trash2 size={14} aria-hidden />
              </IconButton>
            )}
          </div>
          <SchemaFields
            schema={schema}
            value={isObject(item) ? item : {}}
            onChange={(next) => onChange(value.map((old, i) => (i === index ? next : old)))}
            context={{ ...context, resetKey: `${context.resetKey}:${index}:${value.length}` }}
            path={`${path}/${index}`}
          />
        </div>
      ))}
      {!context.readOnly && (
        <Button size="sm" onPress={() => onChange([...value, added()])}>
          <Plus size={14} aria-hidden /> Add {itemLabel}
        </Button>
      )}
    </fieldset>
  );
}

/** The fields of an object schema, in the schema's order; absent values are left out of the config. */
export function SchemaFields({
  schema,
  value,
  onChange,
  context,
  path = '',
}: {
  schema: JsonSchema;
  value: Value;
  onChange: (value: Value) => void;
  context: FormContext;
  path?: string;
}) {
  const properties = (isObject(schema.properties) ? schema.properties : {}) as Record<string, JsonSchema>;
  const required = new Set(Array.isArray(schema.required) ? (schema.required as string[]) : []);
  return (
    <div className="form-fields">
      {Object.entries(properties)
        .filter(([, property]) => property.const === undefined)
        .map(([name, property]) => (
          <Property
            key={name}
            name={name}
            schema={property}
            value={value[name]}
            required={required.has(name)}
            path={`${path}/${name}`}
            context={context}
            onChange={(next) => {
              const copy = { ...value };
              if (next === undefined) delete copy[name];
              else copy[name] = next;
              onChange(copy);
            }}
          />
        ))}
    </div>
  );
}
