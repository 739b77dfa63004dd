/**
 * The counts journey analytics keep, appended to `journey_stat_deltas` by the statements that
 * record what is counted (the engine's run store, the message store) — a row per count, or one row
 * with the statement's counts in `counts` — and folded into per-minute `journey_stats` by
 * `AnalyticsRollup`. Metric, node id and port of each:
 *
 * | metric              | node_id        | port                    | n / total                        |
 * |---------------------|----------------|-------------------------|----------------------------------|
 * | `run_entered`       | —              | —                       | runs                             |
 * | `run_ended`         | —              | end status              | runs                             |
 * | `node_entered`      | node           | —                       | steps begun                      |
 * | `node_completed`    | node           | port taken              | steps                            |
 * | `node_failed`       | node           | —                       | steps                            |
 * | `node_stopped`      | node           | —                       | runs stopped there (goal, cancel)|
 * | `converted`         | —              | goal event              | runs / seconds to convert        |
 * | `last_touch`        | send node      | template                | conversions it preceded          |
 * | `variant_converted` | split node     | variant                 | conversions                      |
 * | `message`           | send node      | message status          | messages reaching it             |
 */
export type StatMetric =
  | 'run_entered'
  | 'run_ended'
  | 'node_entered'
  | 'node_completed'
  | 'node_failed'
  | 'node_stopped'
  | 'converted'
  | 'last_touch'
  | 'variant_converted'
  | 'message';

export interface StatDelta {
  metric: StatMetric;
  node?: string;
  port?: string;
  n?: number;
  total?: number;
}

/** The deltas as stored in `journey_stat_deltas.counts`. */
export function deltaRecords(deltas: StatDelta[]): Array<{ metric: StatMetric; node_id: string; port: string; n: number; total: number }> {
  return deltas.map((d) => ({ metric: d.metric, node_id: d.node ?? '', port: d.port ?? '', n: d.n ?? 1, total: d.total ?? 0 }));
}

/** The rows `insertDeltasSql` reads. */
export function deltaRows(deltas: StatDelta[]): string {
  return JSON.stringify(deltaRecords(deltas));
}

/**
 * A CTE named `name` appending the deltas of the jsonb parameter `rows` (`deltaRows`) for the
 * journey and version of each row of `source` (a CTE or table with `journey_id` and `version`), as
 * one row holding them all (`counts`): nothing is counted when `source` has no row (the change it
 * counts did not happen) or there is nothing to count.
 */
export const insertDeltasSql = (name: string, rows: string, source: string) =>
  `${name} AS (
     INSERT INTO journey_stat_deltas (journey_id, version, counts)
     SELECT s.journey_id, s.version, ${rows}::jsonb FROM ${source} s WHERE jsonb_array_length(${rows}::jsonb) > 0
   )`;

/** The deltas of the `journey_stat_deltas` rows in `taken`, one per count, whichever form each row has. */
export const expandedDeltasSql = (taken: string) =>
  `SELECT t.journey_id, t.version, t.at, t.metric, t.node_id, t.port, t.n, t.total FROM ${taken} t WHERE t.counts IS NULL
   UNION ALL
   SELECT t.journey_id, t.version, t.at, d.metric, d.node_id, d.port, d.n, d.total
     FROM ${taken} t, jsonb_to_recordset(t.counts) AS d(metric text, node_id text, port text, n bigint, total double precision)
    WHERE t.counts IS NOT NULL`;
