import { type LiquidEngines, problemOf, type TemplateProblem } from './liquid-engine.js';
import { checkMjml } from './mjml-email.js';
import { CHANNEL_FIELDS, type FieldSpec, isObject, isTemplateChannel, LOCALE_PATTERN, type TemplateChannel } from './template-content.js';
import { templateFieldError, type TemplateFieldError } from './template.errors.js';

/** Largest accepted content, as JSON. */
export const MAX_CONTENT_BYTES = 256 * 1024;
const MAX_DEPTH = 32;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * Checks a template content when it is saved (created, draft updated, published): its shape and
 * required fields per channel block, that every Liquid string parses and that every MJML body is
 * valid. Answers one error per field path (`content.email.mjml`, `content.locales.fr.sms.body`)
 * with line and column; an empty list means the content is valid.
 */
export async function validateTemplateContent(engines: LiquidEngines, content: unknown, root = 'content'): Promise<TemplateFieldError[]> {
  const problems = new Map<string, TemplateProblem[]>();
  const add = (field: string, problem: TemplateProblem | string) => {
    const list = problems.get(field) ?? [];
    list.push(typeof problem === 'string' ? { message: problem } : problem);
    problems.set(field, list);
  };
  const result = () => [...problems].map(([field, list]) => templateFieldError(field, list));

  if (!isObject(content)) {
    add(root, 'must be a JSON object');
    return result();
  }
  const size = Buffer.byteLength(JSON.stringify(content));
  if (size > MAX_CONTENT_BYTES) {
    add(root, `is ${Math.ceil(size / 1024)} KB; a template content may have at most ${MAX_CONTENT_BYTES / 1024} KB`);
    return result();
  }
  const unsafe = findUnsafeValue(content, root, 0);
  if (unsafe) {
    add(unsafe.field, unsafe.message);
    return result();
  }

  const mjmlChecks: Array<{ field: string; source: string }> = [];
  const checkBlock = (channel: TemplateChannel, block: unknown, path: string, partial: boolean) => {
    if (!isObject(block)) {
      add(path, 'must be an object');
      return;
    }
    const fields = CHANNEL_FIELDS[channel];
    for (const key of Object.keys(block)) if (!Object.hasOwn(fields, key)) add(`${path}.${key}`, 'is not a known field');
    for (const [name, spec] of Object.entries(fields)) {
      const value = block[name];
      const field = `${path}.${name}`;
      if (value === undefined) {
        if (spec.required && !partial) add(field, 'is required');
        continue;
      }
      checkField(spec, value, field, (source) => mjmlChecks.push({ field, source }));
    }
  };
  const checkField = (spec: FieldSpec, value: unknown, field: string, onMjml: (source: string) => void) => {
    switch (spec.kind) {
      case 'liquid':
      case 'mjml':
        if (typeof value !== 'string') return add(field, 'must be a string');
        if (spec.required && value.trim() === '') return add(field, 'must not be empty');
        parseLiquid(value, field, spec.kind === 'mjml');
        if (spec.kind === 'mjml') onMjml(value);
        return;
      case 'boolean':
        if (typeof value !== 'boolean') add(field, 'must be a boolean');
        return;
      case 'stringMap':
        if (!isObject(value)) return add(field, 'must be an object of strings');
        for (const [key, item] of Object.entries(value)) {
          if (typeof item !== 'string') add(`${field}.${key}`, 'must be a string');
          else parseLiquid(item, `${field}.${key}`, false);
        }
        return;
      case 'json':
        if (value === null) return add(field, spec.required ? 'is required' : 'must be an object');
        if (!spec.required && !isObject(value)) return add(field, 'must be an object');
        parseJsonStrings(value, field);
        return;
    }
  };
  const parseLiquid = (source: string, field: string, html: boolean) => {
    try {
      engines.parse(source, html);
    } catch (error) {
      add(field, problemOf(error));
    }
  };
  const parseJsonStrings = (value: unknown, field: string) => {
    if (typeof value === 'string') parseLiquid(value, field, false);
    else if (Array.isArray(value)) value.forEach((item, i) => parseJsonStrings(item, `${field}.${i}`));
    else if (isObject(value)) for (const [key, item] of Object.entries(value)) parseJsonStrings(item, `${field}.${key}`);
  };

  for (const [key, value] of Object.entries(content)) {
    if (isTemplateChannel(key)) checkBlock(key, value, `${root}.${key}`, false);
    else if (key !== 'locales') add(`${root}.${key}`, 'is not a known field: use email, sms, push, chat, inapp, webhook or locales');
  }
  if (content.locales !== undefined) {
    const locales = content.locales;
    if (!isObject(locales)) add(`${root}.locales`, 'must be an object keyed by locale, e.g. { "fr": { … } }');
    else {
      const seen = new Set<string>();
      for (const [locale, blocks] of Object.entries(locales)) {
        const path = `${root}.locales.${locale}`;
        if (!LOCALE_PATTERN.test(locale) || locale.length > 35) {
          add(path, 'is not a locale such as fr or fr-CA');
          continue;
        }
        if (seen.has(locale.toLowerCase())) {
          add(path, 'is the same locale as another key (locales are not case-sensitive)');
          continue;
        }
        seen.add(locale.toLowerCase());
        if (!isObject(blocks)) {
          add(path, 'must be an object of channel blocks');
          continue;
        }
        for (const [channel, block] of Object.entries(blocks)) {
          if (!isTemplateChannel(channel)) add(`${path}.${channel}`, 'is not a known field: use email, sms, push, chat, inapp or webhook');
          else if (!isObject(content[channel]))
            add(
              `${path}.${channel}`,
              `the default content has no ${channel} block; a locale can only translate channels the default content has`,
            );
          else checkBlock(channel, block, `${path}.${channel}`, true);
        }
      }
    }
  }
  for (const { field, source } of mjmlChecks) for (const problem of await checkMjml(source)) add(field, problem);
  return result();
}

/** Strings PostgreSQL cannot store in jsonb (NUL, lone surrogates) and nesting too deep to walk safely. */
function findUnsafeValue(value: unknown, field: string, depth: number): { field: string; message: string } | undefined {
  if (depth > MAX_DEPTH) return { field, message: `is nested more than ${MAX_DEPTH} levels deep` };
  if (typeof value === 'string') {
    if (value.includes('\u0000')) return { field, message: 'must not contain NUL characters' };
    return LONE_SURROGATE.test(value) ? { field, message: 'must be valid Unicode text' } : undefined;
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i += 1) {
      const found = findUnsafeValue(value[i], `${field}.${i}`, depth + 1);
      if (found) return found;
    }
  } else if (isObject(value)) {
    for (const [key, item] of Object.entries(value)) {
      if (key.includes('\u0000') || LONE_SURROGATE.test(key))
        return { field, message: 'must not have keys with NUL characters or invalid Unicode' };
      const found = findUnsafeValue(item, `${field}.${key}`, depth + 1);
      if (found) return found;
    }
  }
  return undefined;
}
