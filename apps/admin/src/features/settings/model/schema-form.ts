/**
 * The form a plugin's `configSchema` (JSON Schema, from its manifest) calls for: one field per
 * property, in the schema's order, with its control, label, help, default and checks; secrets
 * (`"x-secret": true`) are write-only. The admin renders provider forms from this without running
 * any plugin code.
 */
export type JsonSchema = Record<string, unknown>;

export type FieldControl = 'text' | 'secret' | 'number' | 'integer' | 'boolean' | 'select' | 'list';

export interface SchemaField {
  name: string;
  label: string;
  description?: string;
  control: FieldControl;
  required: boolean;
  options?: string[];
  default?: unknown;
  placeholder?: string;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  format?: string;
}

export interface SchemaForm {
  fields: SchemaField[];
  /** "One of these is required" groups (`anyOf: [{ required: [...] }]`), as field names. */
  oneOfRequired: string[][];
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

function humanise(name: string): string {
  return name
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .replace(/[_-]+/g, ' ')
    .replace(/^./, (c) => c.toUpperCase());
}

function controlOf(schema: JsonSchema): FieldControl {
  if (schema['x-secret'] === true) return 'secret';
  if (Array.isArray(schema.enum)) return 'select';
  switch (schema.type) {
    case 'boolean':
      return 'boolean';
    case 'integer':
      return 'integer';
    case 'number':
      return 'number';
    case 'array':
      return 'list';
    default:
      return 'text';
  }
}

export function schemaForm(schema: JsonSchema | undefined): SchemaForm {
  const properties = isObject(schema?.properties) ? (schema.properties as Record<string, JsonSchema>) : {};
  const required = new Set(Array.isArray(schema?.required) ? (schema.required as string[]) : []);
  const fields = Object.entries(properties).map(([name, property]): SchemaField => {
    const examples = Array.isArray(property.examples) ? property.examples : [];
    return {
      name,
      label: typeof property.title === 'string' ? property.title : humanise(name),
      description: typeof property.description === 'string' ? property.description : undefined,
      control: controlOf(property),
      required: required.has(name),
      options: Array.isArray(property.enum) ? property.enum.map(String) : undefined,
      default: property.default,
      placeholder: examples.length > 0 ? String(examples[0]) : undefined,
      pattern: typeof property.pattern === 'string' ? property.pattern : undefined,
      minimum: typeof property.minimum === 'number' ? property.minimum : undefined,
      maximum: typeof property.maximum === 'number' ? property.maximum : undefined,
      minLength: typeof property.minLength === 'number' ? property.minLength : undefined,
      format: typeof property.format === 'string' ? property.format : undefined,
    };
  });
  const oneOfRequired = (Array.isArray(schema?.anyOf) ? schema.anyOf : [])
    .map((branch) => (isObject(branch) && Array.isArray(branch.required) ? (branch.required as string[]) : []))
    .filter((names) => names.length > 0);
  return { fields, oneOfRequired: oneOfRequired.length > 1 ? [oneOfRequired.flat()] : [] };
}

/** What the form holds for each field: text as typed (numbers and lists too), booleans as booleans. */
export type FormValues = Record<string, string | boolean>;

/** The form's starting values: stored values, else the schema's defaults; secrets always start empty. */
export function initialValues(form: SchemaForm, stored: Record<string, unknown> = {}): FormValues {
  const values: FormValues = {};
  for (const field of form.fields) {
    const value = field.control === 'secret' ? undefined : (stored[field.name] ?? field.default);
    if (field.control === 'boolean') values[field.name] = value === true;
    else if (field.control === 'list') values[field.name] = Array.isArray(value) ? value.join(', ') : '';
    else values[field.name] = value === undefined || value === null ? '' : String(value);
  }
  return values;
}

export interface FormProblems {
  byField: Record<string, string>;
  general: string[];
}

/**
 * Checks the values and turns them into the config the API takes. An empty secret is left out
 * (a stored one is kept; `secretsSet` names those already set), as are empty optional fields.
 */
export function formConfig(
  form: SchemaForm,
  values: FormValues,
  secretsSet: string[] = [],
): { config: Record<string, unknown>; problems: FormProblems } {
  const config: Record<string, unknown> = {};
  const byField: Record<string, string> = {};
  for (const field of form.fields) {
    const value = values[field.name];
    if (field.control === 'boolean') {
      config[field.name] = value === true;
      continue;
    }
    const text = typeof value === 'string' ? value.trim() : '';
    if (text === '') {
      const kept = field.control === 'secret' && secretsSet.includes(field.name);
      if (field.required && !kept) byField[field.name] = `${field.label} is required.`;
      continue;
    }
    if (field.control === 'number' || field.control === 'integer') {
      const number = Number(text);
      if (!Number.isFinite(number) || (field.control === 'integer' && !Number.isInteger(number))) {
        byField[field.name] = field.control === 'integer' ? 'Type a whole number.' : 'Type a number.';
        continue;
      }
      if (field.minimum !== undefined && number < field.minimum) byField[field.name] = `At least ${field.minimum}.`;
      else if (field.maximum !== undefined && number > field.maximum) byField[field.name] = `At most ${field.maximum}.`;
      else config[field.name] = number;
      continue;
    }
    if (field.control === 'list') {
      config[field.name] = text
        .split(',')
        .map((item) => item.trim())
        .filter(Boolean);
      continue;
    }
    if (field.minLength !== undefined && text.length < field.minLength) byField[field.name] = `At least ${field.minLength} characters.`;
    else if (field.pattern && !new RegExp(field.pattern).test(text))
      byField[field.name] = `Not in the expected form${field.placeholder ? ` (e.g. ${field.placeholder})` : ''}.`;
    else if (field.format === 'uri' && !/^[a-z][a-z0-9+.-]*:\/\/\S+$/i.test(text))
      byField[field.name] = 'Type a full URL, such as https://example.com/path.';
    else config[field.name] = text;
  }
  const general = form.oneOfRequired
    .filter((names) => !names.some((name) => config[name] !== undefined))
    .map((names) => `Fill in one of: ${names.map((n) => form.fields.find((f) => f.name === n)?.label ?? n).join(', ')}.`);
  return { config, problems: { byField, general } };
}

export function hasProblems(problems: FormProblems): boolean {
  return Object.keys(problems.byField).length > 0 || problems.general.length > 0;
}
