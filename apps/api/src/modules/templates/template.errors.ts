import { type FieldError, UnprocessableError } from '../../infra/http/errors.js';
import { describeProblem, type TemplateProblem } from './liquid-engine.js';

/** A field error that says where in the template string the problem is (1-based). */
export interface TemplateFieldError extends FieldError {
  line?: number;
  column?: number;
}

export function templateFieldError(field: string, problems: TemplateProblem[]): TemplateFieldError {
  const first = problems.find((p) => p.line !== undefined);
  return {
    field,
    messages: problems.map(describeProblem),
    ...(first ? { line: first.line, column: first.column ?? 1 } : {}),
  };
}

/**
 * A template that could not be rendered with the variables of a send (a filter failing on the
 * data, a render limit reached, MJML made invalid by a rendered value). `field` names the
 * template field, e.g. `content.email.subject` or `content.locales.fr.email.mjml`.
 */
export class TemplateRenderError extends UnprocessableError {
  readonly field: string;
  readonly problem: TemplateProblem;

  constructor(templateKey: string, field: string, problem: TemplateProblem) {
    super(`Template "${templateKey}" could not be rendered: ${field}: ${describeProblem(problem)}`, [templateFieldError(field, [problem])]);
    this.field = field;
    this.problem = problem;
  }
}
