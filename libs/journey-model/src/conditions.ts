import jsonLogic from 'json-logic-js';
import type { RunContext } from './types.js';

/**
 * The JSON Logic operators Itinera accepts in conditions, with how many arguments each takes
 * (after JSON Logic's unary shorthand `{ "!": x }` = `{ "!": [x] }`). `log` (writes to the console)
 * and dotted method paths are not accepted.
 */
export const JSON_LOGIC_OPERATORS: Readonly<Record<string, { min: number; max: number }>> = Object.freeze({
  var: { min: 0, max: 2 },
  missing: { min: 0, max: Infinity },
  missing_some: { min: 2, max: 2 },
  if: { min: 1, max: Infinity },
  '?:': { min: 1, max: Infinity },
  '==': { min: 2, max: 2 },
  '===': { min: 2, max: 2 },
  '!=': { min: 2, max: 2 },
  '!==': { min: 2, max: 2 },
  '!': { min: 1, max: 1 },
  '!!': { min: 1, max: 1 },
  or: { min: 1, max: Infinity },
  and: { min: 1, max: Infinity },
  '>': { min: 2, max: 2 },
  '>=': { min: 2, max: 2 },
  '<': { min: 2, max: 3 },
  '<=': { min: 2, max: 3 },
  max: { min: 1, max: Infinity },
  min: { min: 1, max: Infinity },
  '+': { min: 1, max: Infinity },
  '-': { min: 1, max: 2 },
  '*': { min: 1, max: Infinity },
  '/': { min: 2, max: 2 },
  '%': { min: 2, max: 2 },
  map: { min: 2, max: 2 },
  filter: { min: 2, max: 2 },
  reduce: { min: 2, max: 3 },
  all: { min: 2, max: 2 },
  none: { min: 2, max: 2 },
  some: { min: 2, max: 2 },
  merge: { min: 0, max: Infinity },
  in: { min: 2, max: 2 },
  cat: { min: 0, max: Infinity },
  substr: { min: 2, max: 3 },
});

/** Operators whose second argument is evaluated against each item of the first (its own scope). */
const SCOPED = new Set(['map', 'filter', 'reduce', 'all', 'none', 'some']);

/** The roots of the run context a `var` may name. */
export const CONTEXT_ROOTS = ['profile', 'event', 'data', 'run'] as const;

const MAX_DEPTH = 64;

export interface ConditionProblem {
  /** JSON pointer inside the condition ('' for the condition itself). */
  path: string;
  message: string;
}

export interface CheckConditionOptions {
  /**
   * Context roots a `var` may start with (outside map/filter/reduce/all/none/some, where `var`
   * names the current item). Default: profile, event, data, run.
   */
  roots?: readonly string[];
}

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Checks that `logic` is a well-formed condition: `true`, `false`, or a JSON Logic rule made of
 * known operators with the right number of arguments, whose `var`s start with a context root.
 * Returns every problem (empty: fine). Never throws.
 */
export function checkCondition(logic: unknown, options: CheckConditionOptions = {}): ConditionProblem[] {
  const roots = new Set(options.roots ?? CONTEXT_ROOTS);
  const problems: ConditionProblem[] = [];
  if (typeof logic === 'boolean') return problems;
  if (!isPlainObject(logic)) {
    return [{ path: '', message: 'must be a JSON Logic rule (an object with one operator) or true/false' }];
  }
  walk(logic, '', 0, true, roots, problems);
  return problems;
}

function pointer(path: string, key: string | number): string {
  return `${path}/${String(key).replace(/~/g, '~0').replace(/\//g, '~1')}`;
}

/** Checks a value in argument position: a rule, a list (each element checked) or a literal. */
function walk(value: unknown, path: string, depth: number, outer: boolean, roots: Set<string>, problems: ConditionProblem[]): void {
  if (depth > MAX_DEPTH) {
    problems.push({ path, message: `is nested more than ${MAX_DEPTH} levels deep` });
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((item, i) => walk(item, pointer(path, i), depth + 1, outer, roots, problems));
    return;
  }
  if (!isPlainObject(value)) return;
  const keys = Object.keys(value);
  if (keys.length !== 1) {
    problems.push({
      path,
      message:
        keys.length === 0
          ? 'an empty object is not a JSON Logic rule'
          : `a JSON Logic rule has exactly one operator, found ${keys.map((k) => JSON.stringify(k)).join(', ')}`,
    });
    return;
  }
  const op = keys[0];
  const opPath = pointer(path, op);
  const arity = Object.prototype.hasOwnProperty.call(JSON_LOGIC_OPERATORS, op) ? JSON_LOGIC_OPERATORS[op] : undefined;
  if (!arity) {
    problems.push({ path: opPath, message: `unknown JSON Logic operator ${JSON.stringify(op)}` });
    return;
  }
  const raw = value[op];
  const args = Array.isArray(raw) ? raw : [raw];
  // `{ "var": [] }` and `{ "var": "" }` both name the whole context.
  if (args.length < arity.min || args.length > arity.max) {
    const expected =
      arity.max === Infinity ? `at least ${arity.min}` : arity.min === arity.max ? `${arity.min}` : `${arity.min} to ${arity.max}`;
    problems.push({ path: opPath, message: `"${op}" takes ${expected} argument${expected === '1' ? '' : 's'}, got ${args.length}` });
  }
  const argPath = (i: number) => (Array.isArray(raw) ? pointer(opPath, i) : opPath);

  if (op === 'var') {
    const name = args[0];
    if (isPlainObject(name)) walk(name, argPath(0), depth + 1, outer, roots, problems);
    else if (name !== undefined && name !== null && typeof name !== 'string' && typeof name !== 'number') {
      problems.push({ path: argPath(0), message: 'a var names a path: a string such as "profile.traits.plan"' });
    } else if (outer) checkRoot(name, argPath(0), roots, problems);
    if (args.length > 1) walk(args[1], argPath(1), depth + 1, outer, roots, problems);
    return;
  }
  if (op === 'missing' || op === 'missing_some') {
    const list = op === 'missing_some' ? args[1] : args.length === 1 && Array.isArray(args[0]) ? args[0] : args;
    if (op === 'missing_some') {
      walk(args[0], argPath(0), depth + 1, outer, roots, problems);
      if (!Array.isArray(list)) {
        if (isPlainObject(list)) walk(list, argPath(1), depth + 1, outer, roots, problems);
        else problems.push({ path: argPath(1), message: '"missing_some" takes [count, [paths…]]' });
        return;
      }
    }
    const listPath = op === 'missing_some' ? argPath(1) : args.length === 1 && Array.isArray(args[0]) ? argPath(0) : undefined;
    (list as unknown[]).forEach((item, i) => {
      const itemPath = listPath !== undefined ? pointer(listPath, i) : argPath(i);
      if (typeof item === 'string' || typeof item === 'number') {
        if (outer) checkRoot(item, itemPath, roots, problems);
      } else walk(item, itemPath, depth + 1, outer, roots, problems);
    });
    return;
  }
  args.forEach((arg, i) => {
    const scoped = SCOPED.has(op) && i === 1;
    walk(arg, argPath(i), depth + 1, outer && !scoped, roots, problems);
  });
}

function checkRoot(name: unknown, path: string, roots: Set<string>, problems: ConditionProblem[]): void {
  if (name === undefined || name === null || name === '') return;
  const root = String(name).split('.')[0];
  if (!roots.has(root)) {
    problems.push({
      path,
      message: `"${String(name)}" is not in the context: paths start with ${[...roots].map((r) => `"${r}."`).join(', ')}`,
    });
  }
}

/**
 * Evaluates a condition over the run context `{ profile, event, data, run }`. Returns a boolean
 * by JSON Logic's truthiness (`[]`, `0`, `""`, `null` are false). A missing `var` is null, so
 * comparisons with it are false; a rule that cannot be evaluated (unknown operator, bad data) is
 * false. An absent condition (`undefined` or `null`) is true: no filter matches everything.
 * Never throws.
 */
export function evaluateCondition(logic: unknown, context: RunContext): boolean {
  if (logic === undefined || logic === null) return true;
  if (typeof logic === 'boolean') return logic;
  if (!isPlainObject(logic)) return false;
  try {
    return jsonLogic.truthy(jsonLogic.apply(logic as never, (context ?? {}) as never)) === true;
  } catch {
    return false;
  }
}
