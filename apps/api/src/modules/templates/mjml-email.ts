import { convert } from 'html-to-text';
import mjml2html from 'mjml';
import type { TemplateProblem } from './liquid-engine.js';

const MJML_OPTIONS = { validationLevel: 'soft', ignoreIncludes: true, keepComments: false } as const;

/** `<mj-x …>`, `</mj-x>`, `<mj-x/>` and comments, with attribute values that may contain `>`. */
const TAG = /<!--[\s\S]*?-->|<(\/?)(mjml|mj-[a-z0-9-]+)\b((?:[^>"']|"[^"]*"|'[^']*')*)>/gi;
const LIQUID_MARKUP = /\{\{|\{%/;

export class MjmlCompileError extends Error {
  constructor(readonly problems: TemplateProblem[]) {
    super(problems.map((p) => p.message).join('; '));
  }
}

/**
 * Checks an MJML source as saved (Liquid markup still in it): the document is `<mjml>`, its mj-*
 * tags are balanced, it has no `<mj-include>` (templates read no files), and MJML's strict
 * validation passes, except for attribute values that are Liquid and only known at send time.
 * Problems carry 1-based line and column.
 */
export async function checkMjml(source: string): Promise<TemplateProblem[]> {
  const structural = checkTags(source);
  if (structural.length > 0) return structural;
  let errors: Array<{ line: number; tagName: string; message: string }>;
  try {
    errors = (await mjml2html(source, MJML_OPTIONS)).errors;
  } catch (error) {
    return [{ message: mjmlFailure(error), line: 1, column: 1 }];
  }
  return errors
    .filter((e) => !LIQUID_MARKUP.test(e.message))
    .map((e) => ({ message: `${e.tagName}: ${e.message.trim()}`, line: e.line, column: columnOfTag(source, e.line, e.tagName) }));
}

/** Compiles rendered MJML to responsive HTML; any validation error fails it (MjmlCompileError). */
export async function compileMjml(mjml: string): Promise<string> {
  const structural = checkTags(mjml);
  if (structural.length > 0) throw new MjmlCompileError(structural);
  let result: Awaited<ReturnType<typeof mjml2html>>;
  try {
    result = await mjml2html(mjml, MJML_OPTIONS);
  } catch (error) {
    throw new MjmlCompileError([{ message: mjmlFailure(error), line: 1, column: 1 }]);
  }
  if (result.errors.length > 0) {
    throw new MjmlCompileError(
      result.errors.map((e) => ({
        message: `${e.tagName}: ${e.message.trim()}`,
        line: e.line,
        column: columnOfTag(mjml, e.line, e.tagName),
      })),
    );
  }
  return result.html;
}

/**
 * Puts the preheader (already HTML-escaped) in the document's `<mj-preview>`, replacing one the
 * MJML may have: the template's preheader field is the one inbox previews show.
 */
export function withPreheader(mjml: string, preheaderHtml: string): string {
  const preview = `<mj-preview>${preheaderHtml}</mj-preview>`;
  const withoutOwn = mjml.replace(/<mj-preview\b[^>]*>[\s\S]*?<\/mj-preview>|<mj-preview\b[^>]*\/>/gi, '');
  if (/<mj-head\b[^>]*\/>/i.test(withoutOwn)) return withoutOwn.replace(/<mj-head\b[^>]*\/>/i, `<mj-head>${preview}</mj-head>`);
  if (/<mj-head\b[^>]*>/i.test(withoutOwn)) return withoutOwn.replace(/<mj-head\b[^>]*>/i, (open) => `${open}${preview}`);
  return withoutOwn.replace(/<mjml\b[^>]*>/i, (open) => `${open}<mj-head>${preview}</mj-head>`);
}

/** The plain-text part of an e-mail from its HTML: links as `text [url]`, no images, no hidden preheader. */
export function textFromHtml(html: string): string {
  return convert(html, {
    wordwrap: 78,
    selectors: [
      { selector: 'img', format: 'skip' },
      { selector: 'div[style*="display:none"]', format: 'skip' },
      { selector: 'a', options: { hideLinkHrefIfSameAsText: true } },
    ],
  })
    .replace(/[ \t]+\n/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

function checkTags(source: string): TemplateProblem[] {
  const open: Array<{ name: string; index: number }> = [];
  let seenRoot = false;
  for (const match of source.matchAll(TAG)) {
    if (match[0].startsWith('<!--')) continue;
    const [, closing, rawName, attributes] = match;
    const name = rawName.toLowerCase();
    const at = positionOf(source, match.index);
    if (name === 'mj-include')
      return [{ message: '<mj-include> is not available: templates cannot include other files; put the content in this template', ...at }];
    if (!seenRoot) {
      if (name !== 'mjml' || closing) return [{ message: `the document must start with <mjml>, found <${closing}${name}>`, ...at }];
      seenRoot = true;
    }
    if (closing) {
      const top = open.pop();
      if (!top) return [{ message: `</${name}> has no matching <${name}>`, ...at }];
      if (top.name !== name) {
        const opened = positionOf(source, top.index);
        return [{ message: `</${name}> closes <${top.name}> opened at line ${opened.line}, column ${opened.column}`, ...at }];
      }
    } else if (!attributes.trimEnd().endsWith('/')) {
      open.push({ name, index: match.index });
    }
  }
  if (!seenRoot) return [{ message: 'not an MJML document: it must be enclosed in <mjml> … </mjml>', line: 1, column: 1 }];
  const unclosed = open.pop();
  if (unclosed) return [{ message: `<${unclosed.name}> is never closed`, ...positionOf(source, unclosed.index) }];
  return [];
}

function positionOf(source: string, index: number): { line: number; column: number } {
  const before = source.slice(0, index);
  const line = before.split('\n').length;
  return { line, column: index - before.lastIndexOf('\n') };
}

function columnOfTag(source: string, line: number, tagName: string): number {
  const text = source.split('\n')[line - 1] ?? '';
  const at = text.toLowerCase().indexOf(`<${tagName.toLowerCase()}`);
  return at >= 0 ? at + 1 : 1;
}

function mjmlFailure(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return `MJML could not be parsed: ${message}`;
}
