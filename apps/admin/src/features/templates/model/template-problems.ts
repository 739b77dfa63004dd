import { ApiError } from '@itinera/sdk';

/** One field's problems as the API reports them: `content.email.mjml`, with the first problem's line and column (1-based). */
export interface FieldProblem {
  field: string;
  messages: string[];
  line?: number;
  column?: number;
}

export interface TemplateProblems {
  /** A problem that belongs to no field (the request itself failed). */
  general: string | null;
  fields: FieldProblem[];
}

export const NO_PROBLEMS: TemplateProblems = { general: null, fields: [] };

function isFieldProblem(value: unknown): value is FieldProblem {
  const item = value as FieldProblem | null;
  return typeof item?.field === 'string' && Array.isArray(item.messages);
}

/** The field problems of a failed save or preview (400 for a content that does not parse, 422 for one that does not render). */
export function problemsOf(error: unknown): TemplateProblems {
  if (!(error instanceof ApiError)) return { general: error instanceof Error ? error.message : String(error), fields: [] };
  const body = error.body as { errors?: unknown } | undefined;
  const fields = Array.isArray(body?.errors) ? body.errors.filter(isFieldProblem) : [];
  if (fields.length > 0 && (error.status === 400 || error.status === 422)) return { general: null, fields };
  return { general: error.message, fields: [] };
}

/** Problems of one field path, or of a field inside it (`content.push.data.key`). */
export function problemsAt(problems: TemplateProblems, path: string): FieldProblem[] {
  return problems.fields.filter((p) => p.field === path || p.field.startsWith(`${path}.`));
}

/** Problems under a prefix (a channel of a variant: `content.email`, `content.locales.fr.email`). */
export function hasProblemsUnder(problems: TemplateProblems, prefix: string): boolean {
  return problems.fields.some((p) => p.field === prefix || p.field.startsWith(`${prefix}.`));
}

/** "Line 3, column 7: unknown filter …" */
export function describeFieldProblem(problem: FieldProblem): string {
  const where = problem.line ? `Line ${problem.line}${problem.column ? `, column ${problem.column}` : ''}: ` : '';
  // The API's Liquid messages may already start with their position; it is said once.
  const messages = problem.messages.map((m) => m.replace(/^line \d+, column \d+:\s*/i, ''));
  return `${where}${messages.join('; ')}`;
}

/** The offset in `text` of a 1-based line and column, clamped to the text. */
export function offsetAt(text: string, line: number, column = 1): number {
  let offset = 0;
  for (let current = 1; current < line; current += 1) {
    const next = text.indexOf('\n', offset);
    if (next === -1) return text.length;
    offset = next + 1;
  }
  const lineEnd = text.indexOf('\n', offset);
  const end = lineEnd === -1 ? text.length : lineEnd;
  return Math.min(offset + Math.max(0, column - 1), end);
}

export interface JsonProblem {
  message: string;
  line: number;
  column: number;
}

/** Why a text is not JSON, with where (from the parser's position), or null when it is. */
export function jsonProblem(text: string): JsonProblem | null {
  try {
    JSON.parse(text);
    return null;
  } catch (error) {
    const message = (error as Error).message;
    const lineColumn = /\(line (\d+) column (\d+)\)/.exec(message);
    if (lineColumn) return { message: cleanJsonMessage(message), line: Number(lineColumn[1]), column: Number(lineColumn[2]) };
    const position = /at position (\d+)/.exec(message);
    const at = position ? Number(position[1]) : text.length;
    const before = text.slice(0, at);
    const line = before.split('\n').length;
    const column = at - before.lastIndexOf('\n');
    return { message: cleanJsonMessage(message), line, column };
  }
}

function cleanJsonMessage(message: string): string {
  return message
    .replace(/ in JSON at position \d+.*$/, '')
    .replace(/\s*\(line \d+ column \d+\)/, '')
    .trim();
}
