import { type JourneyDefinition, nodeById } from '@itinera/journey-model';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { NotFoundError, ValidationError } from '../../infra/http/errors.js';
import { JourneyDefinitions } from '../engine/journey-definitions.js';
import { JourneysService } from '../journeys/journeys.service.js';
import { SIGNIFICANCE_METHOD, twoProportionTest } from './significance.js';
import type { JourneyAnalyticsDto } from './analytics.dto.js';

/** Message statuses of a send node's funnel, in lifecycle order. */
export const FUNNEL = [
  'deferred',
  'throttled',
  'suppressed',
  'sent',
  'unknown',
  'delivered',
  'opened',
  'clicked',
  'bounced',
  'failed',
] as const;

interface StatRow {
  metric: string;
  node_id: string;
  port: string;
  n: string;
  total: number;
}

const DAY_MS = 86_400_000;
/** The default range: the last 30 days. */
const DEFAULT_RANGE_MS = 30 * DAY_MS;

/**
 * Journey analytics from the maintained aggregates (`journey_stats`, see stat-deltas.ts): never by
 * scanning runs, steps or messages. Waiting-now counts are over all time (entered minus left); all
 * other figures are over the range.
 */
@Injectable()
export class AnalyticsService {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(JourneysService) private readonly journeys: JourneysService,
    @Inject(JourneyDefinitions) private readonly definitions: JourneyDefinitions,
  ) {}

  async journey(workspaceId: string, ref: string, query: { version?: number; from?: string; to?: string }): Promise<JourneyAnalyticsDto> {
    const journey = await this.journeys.get(workspaceId, ref);
    const to = query.to ? new Date(query.to) : new Date();
    const from = query.from ? new Date(query.from) : new Date(to.getTime() - DEFAULT_RANGE_MS);
    if (from >= to) throw new ValidationError('from must be before to', [{ field: 'from', messages: ['must be before to'] }]);
    const latest = journey.currentVersion;
    if (query.version !== undefined && (latest === null || query.version > latest)) {
      throw new NotFoundError(`Journey "${journey.name}" has no version ${query.version}`);
    }
    const versions = query.version !== undefined ? [query.version] : latest ? Array.from({ length: latest }, (_, i) => i + 1) : [];
    // A journey never published has no runs: nothing to count (its draft may be any shape).
    const definition: JourneyDefinition =
      query.version !== undefined || latest
        ? await this.definitions.version(journey.id, query.version ?? latest!)
        : { name: journey.name, nodes: [], edges: [] };

    const [inRange, allTime, series] = await Promise.all([
      this.stats(journey.id, versions, from, to),
      this.stats(journey.id, versions, new Date(0), new Date(8.64e15), ['node_entered', 'node_completed', 'node_failed', 'node_stopped']),
      this.series(journey.id, versions, from, to),
    ]);
    const sum = (rows: StatRow[], metric: string, node = '', port?: string) =>
      rows
        .filter((r) => r.metric === metric && r.node_id === node && (port === undefined || r.port === port))
        .reduce((a, r) => a + Number(r.n), 0);

    const entered = sum(inRange, 'run_entered');
    const converted = sum(inRange, 'converted');
    const goals = (definition.exit ?? []).map((goal) => {
      const rows = inRange.filter((r) => r.metric === 'converted' && r.port === goal.event);
      const count = rows.reduce((a, r) => a + Number(r.n), 0);
      const seconds = rows.reduce((a, r) => a + r.total, 0);
      return {
        event: goal.event,
        converted: count,
        rate: entered ? count / entered : 0,
        avgSecondsToConvert: count ? seconds / count : null,
      };
    });

    const nodes = definition.nodes.map((node) => {
      const ports = inRange.filter((r) => r.metric === 'node_completed' && r.node_id === node.id);
      const completed = ports.reduce((a, r) => a + Number(r.n), 0);
      const left = ['node_completed', 'node_failed', 'node_stopped'].reduce((a, m) => a + sum(allTime, m, node.id), 0);
      return {
        nodeId: node.id,
        type: node.type,
        entered: sum(inRange, 'node_entered', node.id),
        completed,
        failed: sum(inRange, 'node_failed', node.id),
        stopped: sum(inRange, 'node_stopped', node.id),
        waitingNow: Math.max(0, sum(allTime, 'node_entered', node.id) - left),
        ports: ports
          .map((r) => ({ port: r.port, count: Number(r.n), share: completed ? Number(r.n) / completed : 0 }))
          .sort((a, b) => b.count - a.count),
      };
    });

    const sends = definition.nodes
      .filter((node) => node.type === 'send' || node.type === 'webhook')
      .map((node) => ({
        nodeId: node.id,
        funnel: Object.fromEntries(FUNNEL.map((status) => [status, sum(inRange, 'message', node.id, status)])),
      }));

    const lastTouch = inRange
      .filter((r) => r.metric === 'last_touch')
      .map((r) => ({
        nodeId: r.node_id,
        template: r.port || null,
        conversions: Number(r.n),
        share: converted ? Number(r.n) / converted : 0,
      }))
      .sort((a, b) => b.conversions - a.conversions);

    const splits = definition.nodes
      .filter((node) => node.type === 'split')
      .map((node) => {
        const variants = (nodeById(definition, node.id)!.config as { variants: Array<{ port: string }> }).variants.map((v) => {
          const variantEntered = sum(inRange, 'node_completed', node.id, v.port);
          const variantConverted = sum(inRange, 'variant_converted', node.id, v.port);
          return {
            port: v.port,
            entered: variantEntered,
            converted: variantConverted,
            rate: variantEntered ? variantConverted / variantEntered : 0,
          };
        });
        const control = variants[0];
        return {
          nodeId: node.id,
          method: SIGNIFICANCE_METHOD,
          control: control?.port ?? null,
          variants: variants.map((v, i) => ({ ...v, comparison: i === 0 || !control ? null : twoProportionTest(v, control) })),
        };
      });

    return {
      journeyId: journey.id,
      versions,
      from: from.toISOString(),
      to: to.toISOString(),
      entered,
      ended: Object.fromEntries(['completed', 'exited', 'failed', 'cancelled'].map((s) => [s, sum(inRange, 'run_ended', '', s)])),
      converted,
      conversionRate: entered ? converted / entered : 0,
      goals,
      nodes,
      sends,
      lastTouch,
      splits,
      series,
    } as JourneyAnalyticsDto;
  }

  private async stats(journeyId: string, versions: number[], from: Date, to: Date, metrics?: string[]): Promise<StatRow[]> {
    if (versions.length === 0) return [];
    return this.dataSource.query(
      `SELECT metric, node_id, port, sum(n)::text AS n, sum(total) AS total FROM journey_stats
        WHERE journey_id = $1 AND version = ANY($2::int[]) AND bucket >= $3 AND bucket < $4 AND ($5::text[] IS NULL OR metric = ANY($5::text[]))
        GROUP BY metric, node_id, port`,
      [journeyId, versions, from, to, metrics ?? null],
    );
  }

  /** Entries and conversions per hour (ranges up to 3 days) or per day. */
  private async series(
    journeyId: string,
    versions: number[],
    from: Date,
    to: Date,
  ): Promise<Array<{ at: string; entered: number; converted: number }>> {
    if (versions.length === 0) return [];
    const unit = to.getTime() - from.getTime() <= 3 * DAY_MS ? 'hour' : 'day';
    const rows: Array<{ at: Date; entered: string; converted: string }> = await this.dataSource.query(
      `SELECT date_trunc('${unit}', bucket) AS at,
              sum(n) FILTER (WHERE metric = 'run_entered')::text AS entered, sum(n) FILTER (WHERE metric = 'converted')::text AS converted
         FROM journey_stats
        WHERE journey_id = $1 AND version = ANY($2::int[]) AND bucket >= $3 AND bucket < $4 AND metric IN ('run_entered', 'converted')
        GROUP BY 1 ORDER BY 1`,
      [journeyId, versions, from, to],
    );
    return rows.map((r) => ({ at: new Date(r.at).toISOString(), entered: Number(r.entered ?? 0), converted: Number(r.converted ?? 0) }));
  }
}
