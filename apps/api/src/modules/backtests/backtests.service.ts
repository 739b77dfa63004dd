import { type JourneyDefinition, triggerOf } from '@itinera/journey-model';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { returnedRows } from '../../infra/database/returning.js';
import { ConflictError, NotFoundError, UnprocessableError, ValidationError } from '../../infra/http/errors.js';
import type { Principal } from '../auth/principal.js';
import { JourneysService } from '../journeys/journeys.service.js';
import { BACKTEST_LIMITS, type BacktestDto, type CreateBacktestDto } from './backtests.dto.js';

export interface BacktestParams {
  from: string;
  to: string;
  userIds: string[] | null;
  maxEvents: number;
  maxSeconds: number;
  samples: Record<string, unknown>;
}

export interface BacktestRow {
  id: string;
  workspace_id: string;
  journey_id: string;
  version: number | null;
  definition: JourneyDefinition;
  params: BacktestParams;
  status: 'queued' | 'running' | 'completed' | 'cancelled' | 'failed';
  progress: { eventsRead?: number; eventsTotal?: number };
  result: Record<string, unknown> | null;
  error: string | null;
  created_at: Date;
  finished_at: Date | null;
}

const DAY_MS = 86_400_000;

/** Back-test requests: checked, stored with the definition they test, run by BacktestRunner in the worker role. */
@Injectable()
export class BacktestsService {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(JourneysService) private readonly journeys: JourneysService,
  ) {}

  async create(workspaceId: string, ref: string, input: CreateBacktestDto, caller: Principal): Promise<BacktestDto> {
    const from = new Date(input.from);
    const to = new Date(input.to);
    if (!(from < to)) throw new ValidationError('from must be before to', [{ field: 'from', messages: ['must be before to'] }]);
    if (to.getTime() - from.getTime() > BACKTEST_LIMITS.maxDays * DAY_MS) {
      throw new ValidationError(`A back-test covers at most ${BACKTEST_LIMITS.maxDays} days`, [
        { field: 'to', messages: ['the period is too long'] },
      ]);
    }
    const journey = await this.journeys.simulated(workspaceId, ref, input.version);
    const trigger = triggerOf(journey.definition);
    if (!trigger || !('event' in trigger.config)) {
      throw new UnprocessableError('A back-test replays the trigger event of the period: this journey does not start on an event');
    }
    const params: BacktestParams = {
      from: from.toISOString(),
      to: to.toISOString(),
      userIds: input.userIds ?? null,
      maxEvents: input.maxEvents ?? BACKTEST_LIMITS.defaultEvents,
      maxSeconds: input.maxSeconds ?? BACKTEST_LIMITS.defaultSeconds,
      samples: input.samples ?? {},
    };
    const [row]: BacktestRow[] = await this.dataSource.query(
      `INSERT INTO journey_backtests (workspace_id, journey_id, version, definition, params, status, created_by)
       VALUES ($1, $2, $3, $4, $5, 'queued', $6) RETURNING *`,
      [
        workspaceId,
        journey.journeyId,
        journey.version || null,
        JSON.stringify(journey.definition),
        JSON.stringify(params),
        caller.userId ? `user:${caller.userId}` : `api_key:${caller.apiKeyId}`,
      ],
    );
    return toDto(row);
  }

  async list(workspaceId: string, ref: string): Promise<BacktestDto[]> {
    const journey = await this.journeys.get(workspaceId, ref);
    const rows: BacktestRow[] = await this.dataSource.query(
      'SELECT * FROM journey_backtests WHERE workspace_id = $1 AND journey_id = $2 ORDER BY created_at DESC LIMIT 50',
      [workspaceId, journey.id],
    );
    return rows.map(toDto);
  }

  async get(workspaceId: string, id: string): Promise<BacktestDto> {
    const rows: BacktestRow[] = await this.dataSource.query('SELECT * FROM journey_backtests WHERE workspace_id = $1 AND id = $2', [
      workspaceId,
      id,
    ]);
    if (rows.length === 0) throw new NotFoundError(`No back-test ${id} in this workspace`);
    return toDto(rows[0]);
  }

  /** Stops a back-test that is queued or running; the runner notices at its next page. */
  async cancel(workspaceId: string, id: string): Promise<BacktestDto> {
    const rows = returnedRows<BacktestRow>(
      await this.dataSource.query(
        `UPDATE journey_backtests SET status = 'cancelled', finished_at = now() WHERE workspace_id = $1 AND id = $2 AND status IN ('queued', 'running') RETURNING *`,
        [workspaceId, id],
      ),
    );
    if (rows.length === 0) {
      const current = await this.get(workspaceId, id);
      throw new ConflictError(`Back-test ${id} is ${current.status} already`);
    }
    return toDto(rows[0]);
  }
}

export function toDto(row: BacktestRow): BacktestDto {
  const eventsRead = row.progress.eventsRead ?? 0;
  const eventsTotal = Math.min(row.progress.eventsTotal ?? 0, row.params.maxEvents);
  return {
    id: row.id,
    journeyId: row.journey_id,
    version: row.version,
    status: row.status,
    params: row.params as unknown as Record<string, unknown>,
    progress: {
      eventsRead,
      eventsTotal,
      fraction: row.status === 'completed' ? 1 : eventsTotal ? Math.min(1, eventsRead / eventsTotal) : 0,
    },
    result: row.result,
    error: row.error,
    createdAt: row.created_at,
    finishedAt: row.finished_at,
  };
}
