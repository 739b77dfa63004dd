import { Liquid, LiquidError, type Template } from 'liquidjs';

/** Limits applied to every template string, at parse and at render. */
export interface LiquidLimits {
  /** Characters one template string may have. */
  parseLimit: number;
  /** Milliseconds one template string may take to render. */
  renderLimit: number;
  /** Allocation budget of one render (liquidjs counts string lengths and array sizes). */
  memoryLimit: number;
}

export const DEFAULT_LIQUID_LIMITS: LiquidLimits = { parseLimit: 300_000, renderLimit: 500, memoryLimit: 10_000_000 };

/** A problem in a template string, with its 1-based position when known. */
export interface TemplateProblem {
  message: string;
  line?: number;
  column?: number;
}

const FILE_TAGS = ['include', 'render', 'layout'] as const;

/**
 * The Liquid engines templates run on. Both read only own properties of the variables
 * (`{{ profile.constructor }}` is empty), refuse unknown filters, have no file system (no root,
 * an empty in-memory template set, and `include`/`render`/`layout` rejected when parsed) and
 * stop a render that takes too long or allocates too much. `html` escapes every output for
 * e-mail MJML bodies (`| raw` opts out); `plain` is for every other field.
 */
export class LiquidEngines {
  readonly plain: Liquid;
  readonly html: Liquid;

  constructor(readonly limits: LiquidLimits = DEFAULT_LIQUID_LIMITS) {
    this.plain = createEngine(limits, false);
    this.html = createEngine(limits, true);
  }

  /**
   * Parses one template string; throws TemplateSyntaxError with line and column. Escaping is
   * decided when parsing: pass `html` for a string whose outputs must be HTML-escaped.
   */
  parse(source: string, html = false): Template[] {
    try {
      return (html ? this.html : this.plain).parse(source);
    } catch (error) {
      throw new TemplateSyntaxError(problemOf(error));
    }
  }
}

function createEngine(limits: LiquidLimits, escapeHtml: boolean): Liquid {
  const engine = new Liquid({
    ownPropertyOnly: true,
    strictFilters: true,
    strictVariables: false,
    templates: {},
    root: [],
    partials: [],
    layouts: [],
    relativeReference: false,
    dynamicPartials: false,
    parseLimit: limits.parseLimit,
    renderLimit: limits.renderLimit,
    memoryLimit: limits.memoryLimit,
    ...(escapeHtml ? { outputEscape: 'escape' as const } : {}),
  });
  for (const name of FILE_TAGS) {
    engine.registerTag(name, {
      parse() {
        throw new Error(`{% ${name} %} is not available: templates cannot include other files; put the content in this template`);
      },
      render() {
        return '';
      },
    });
  }
  return engine;
}

export class TemplateSyntaxError extends Error {
  constructor(readonly problem: TemplateProblem) {
    super(problem.message);
  }
}

/** The message and position of a liquidjs error (its message ends with ", line:L, col:C"). */
export function problemOf(error: unknown): TemplateProblem {
  if (error instanceof TemplateSyntaxError) return error.problem;
  const message = error instanceof Error ? error.message : String(error);
  const clean = message.replace(/, line:\d+, col:\d+$/, '');
  if (error instanceof LiquidError) {
    const position = (error as LiquidError & { token?: { getPosition?: () => [number, number] } }).token?.getPosition?.();
    if (position) return { message: clean, line: position[0], column: position[1] };
  }
  const match = /line:(\d+), col:(\d+)$/.exec(message);
  return match ? { message: clean, line: Number(match[1]), column: Number(match[2]) } : { message: clean };
}

/** "line 2, column 3: undefined filter: nope" */
export function describeProblem(problem: TemplateProblem): string {
  return problem.line ? `line ${problem.line}, column ${problem.column ?? 1}: ${problem.message}` : problem.message;
}
