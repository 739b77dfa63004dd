/**
 * The counts journey analytics keep, appended to `journey_stat_deltas` by the statements that
 * record what is counted (the engine's run store, the message store) and folded into per-minute
 * `journey_stats` by `AnalyticsRollup`. Metric, node id and port of each:
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

/** The rows `insertDeltasSql` reads. */
export function deltaRows(deltas: StatDelta[]): string {
  return JSON.stringify(
    deltas.map((d) => ({ metric: d.metric, node_id: d.node ?? '', port: d.port ?? '', n: d.n ?? 1, total: d.total ?? 0 })),
  );
}

/**
 * A CTE named `name` inserting the deltas of the jsonb parameter `rows` (`deltaRows`) for the
 * journey and version of each row of `source` (a CTE or table with `journey_id` and `version`):
 * nothing is counted when `source` has no row (the change it counts did not happen).
 */
export const insertDeltasSql = (name: string, rows: string, source: string) =>
  `${name} AS (
     INSERT INTO journey_stat_deltas (journey_id, version, metric, node_id, port, n, total)
     SELECT s.journey_id, s.version, d.metric, d.node_id, d.port, d.n, d.total
       FROM ${source} s, jsonb_to_recordset(${rows}::jsonb) AS d(metric text, node_id text, port text, n bigint, total double precision)
   )`;
