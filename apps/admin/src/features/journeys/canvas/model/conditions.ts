import type { Condition } from '@itinera/journey-model';
import type { RuleGroupType, RuleType } from 'react-querybuilder';
import { formatQuery } from 'react-querybuilder/formatQuery';
import { parseJsonLogic } from 'react-querybuilder/parseJsonLogic';

/**
 * The operators the condition builder offers: those whose JSON Logic export uses only operators
 * the journey model accepts (react-querybuilder's beginsWith/endsWith export `startsWith` and
 * `endsWith`, which JSON Logic does not have).
 */
export const CONDITION_OPERATORS = [
  { name: '=', label: 'is' },
  { name: '!=', label: 'is not' },
  { name: '>', label: 'is more than' },
  { name: '>=', label: 'is at least' },
  { name: '<', label: 'is less than' },
  { name: '<=', label: 'is at most' },
  { name: 'contains', label: 'contains' },
  { name: 'doesNotContain', label: 'does not contain' },
  { name: 'in', label: 'is one of' },
  { name: 'notIn', label: 'is not one of' },
  { name: 'between', label: 'is between' },
  { name: 'notBetween', label: 'is not between' },
  { name: 'null', label: 'is empty' },
  { name: 'notNull', label: 'is set' },
] as const;

export const EMPTY_QUERY: RuleGroupType = { combinator: 'and', rules: [] };

/** The builder's query for a condition; `true` or no condition is an empty group (always). */
export function toQuery(condition: Condition | undefined | null): RuleGroupType {
  if (condition === undefined || condition === null || condition === true) return { ...EMPTY_QUERY, rules: [] };
  return parseJsonLogic(condition as Parameters<typeof parseJsonLogic>[0]);
}

const isGroup = (value: unknown): value is { and: unknown[] } | { or: unknown[] } =>
  typeof value === 'object' && value !== null && Object.keys(value).length === 1 && ('and' in value || 'or' in value);

/**
 * The condition a query stands for, as JSON Logic. An empty query is no condition (undefined):
 * the node's filter goes away rather than becoming `false`. A group of one rule is written as
 * that rule, as the SPEC writes conditions.
 */
export function toCondition(query: RuleGroupType): Condition | undefined {
  if (query.rules.length === 0) return undefined;
  const logic = formatQuery(query, { format: 'jsonlogic', parseNumbers: true }) as Condition;
  if (isGroup(logic)) {
    const items = 'and' in logic ? logic.and : logic.or;
    if (items.length === 1 && !query.not) return items[0] as Condition;
  }
  return logic;
}

/** Whether the builder shows this condition as it is (otherwise it is edited as JSON). */
export function isVisuallyEditable(condition: Condition | undefined | null): boolean {
  if (condition === undefined || condition === null || condition === true) return true;
  try {
    return JSON.stringify(toCondition(toQuery(condition))) === JSON.stringify(condition);
  } catch {
    return false;
  }
}

/** The field paths a query's rules name, for "fields this workspace has seen" bookkeeping. */
export function queryFields(query: RuleGroupType): string[] {
  return query.rules.flatMap((rule) => ('rules' in rule ? queryFields(rule) : [(rule as RuleType).field]));
}
