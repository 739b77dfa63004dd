import { type JourneyDefinition, referencedResources, validateJourney } from '@itinera/journey-model';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { pageOf } from '../../infra/http/cursor.js';
import { returnedRows } from '../../infra/database/returning.js';
import { ConflictError, NotFoundError, UnprocessableError, ValidationError } from '../../infra/http/errors.js';
import type { Principal } from '../auth/principal.js';
import { JourneyDefinitions } from '../engine/journey-definitions.js';
import { JourneyEntryService } from '../engine/journey-entry.service.js';
import { type JourneyRunSummary, RunStore } from '../engine/run-store.js';
import {
  JourneySimulator,
  type SimulatedJourney,
  type SimulationInput,
  type SimulationResult,
} from '../engine/simulation/journey-simulator.js';
import { PreferencesService } from '../preferences/preferences.service.js';
import { PluginRegistry } from '../plugins/plugin-registry.js';
import { ProfileViews } from '../profiles/profile-view.js';
import { TemplateRenderer } from '../templates/template-renderer.js';
import type { RunNodeDto, SimulateJourneyDto } from './dto/simulation.dto.js';
import type {
  JourneyDefinitionDto,
  JourneyDto,
  JourneyEditorDto,
  JourneySummaryDto,
  JourneyVersionDto,
  RunDetailDto,
  RunDto,
  ValidationProblemDto,
} from './dto/journeys.dto.js';

interface JourneyRow {
  id: string;
  workspace_id: string;
  name: string;
  description: string | null;
  status: string;
  draft: JourneyDefinition;
  draft_updated_at: Date;
  draft_revision: number;
  /** `user:<id>` or `api_key:<id>`. */
  draft_updated_by: string | null;
  current_version: number | null;
  created_at: Date;
  updated_at: Date;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The top-level fields of a journey document (SPEC "Journey definition") besides its name and description. */
const DOCUMENT_FIELDS = ['entry', 'exit', 'caps', 'nodes', 'edges', 'layout', 'ui'] as const;

/** The editor's label: the user's e-mail or the API key's name, joined to `draft_updated_by` (aliased `e`). */
const EDITOR_NAME = `CASE WHEN e.ref LIKE 'user:%' THEN (SELECT u.email FROM users u WHERE u.id = substr(e.ref, 6)::uuid)
  WHEN e.ref LIKE 'api_key:%' THEN (SELECT k.name FROM api_keys k WHERE k.id = substr(e.ref, 9)::uuid) END`;

export interface JourneyInput {
  name: string;
  description?: string;
  definition?: object;
  [field: string]: unknown;
}

export interface JourneyChanges {
  name?: string;
  description?: string;
  definition?: object;
  revision?: number;
}

const editorRef = (caller: Principal | undefined) =>
  caller?.userId ? `user:${caller.userId}` : caller?.apiKeyId ? `api_key:${caller.apiKeyId}` : null;

/** Journeys: drafts, validation, immutable published versions, lifecycle, API entry, and their runs. */
@Injectable()
export class JourneysService {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(JourneyDefinitions) private readonly definitions: JourneyDefinitions,
    @Inject(JourneyEntryService) private readonly entry: JourneyEntryService,
    @Inject(RunStore) private readonly runStore: RunStore,
    @Inject(JourneySimulator) private readonly simulator: JourneySimulator,
    @Inject(TemplateRenderer) private readonly templates: TemplateRenderer,
    @Inject(PreferencesService) private readonly preferences: PreferencesService,
    @Inject(PluginRegistry) private readonly registry: PluginRegistry,
    @Inject(ProfileViews) private readonly profiles: ProfileViews,
  ) {}

  async list(workspaceId: string): Promise<JourneySummaryDto[]> {
    const [rows, runs]: [Array<JourneyRow & { unpublished: boolean; editor_name: string | null }>, Map<string, JourneyRunSummary>] =
      await Promise.all([
        this.dataSource.query(
          `SELECT j.*,
                  (j.current_version IS NULL OR (j.draft - 'ui' - 'layout') IS DISTINCT FROM
                    (SELECT v.definition - 'ui' - 'layout' FROM journey_versions v WHERE v.journey_id = j.id AND v.version = j.current_version)) AS unpublished,
                  ${EDITOR_NAME} AS editor_name
             FROM journeys j CROSS JOIN LATERAL (SELECT j.draft_updated_by AS ref) e
            WHERE j.workspace_id = $1 ORDER BY j.updated_at DESC`,
          [workspaceId],
        ),
        this.runStore.summaryByJourney(workspaceId),
      ]);
    return rows.map((row) => {
      const summary = runs.get(row.id) ?? { byStatus: {}, enteredLast7Days: 0 };
      return {
        ...toJourney(row, row.editor_name),
        runs: summary.byStatus,
        hasUnpublishedChanges: row.unpublished,
        activeRuns: (summary.byStatus.active ?? 0) + (summary.byStatus.waiting ?? 0),
        entriesLast7Days: summary.enteredLast7Days,
      };
    });
  }

  async get(workspaceId: string, ref: string): Promise<JourneyDto> {
    return this.withEditor(await this.row(workspaceId, ref));
  }

  /**
   * A new draft from `{ name, description?, definition }` or from the journey document itself
   * (its top-level entry, exit, caps, nodes, edges, ui), as an export or an import sends it.
   */
  async create(workspaceId: string, input: JourneyInput, caller?: Principal): Promise<JourneyDto> {
    let definition: object;
    if (input.definition !== undefined) {
      const extra = DOCUMENT_FIELDS.filter((field) => input[field] !== undefined);
      if (extra.length > 0)
        throw new ValidationError(
          `Send either "definition" or the journey document's own fields, not both (also sent: ${extra.join(', ')})`,
        );
      definition = input.definition;
    } else {
      const fields = DOCUMENT_FIELDS.filter((field) => input[field] !== undefined);
      if (!fields.includes('nodes'))
        throw new ValidationError('A journey needs "definition", or the journey document with at least "nodes" (and "edges")');
      definition = { edges: [], ...Object.fromEntries(fields.map((field) => [field, input[field]])) };
    }
    const description =
      input.description ??
      (typeof (definition as { description?: unknown }).description === 'string'
        ? (definition as { description: string }).description
        : null);
    const rows: JourneyRow[] = await this.dataSource.query(
      `INSERT INTO journeys (workspace_id, name, description, draft, draft_updated_by) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (workspace_id, name) DO NOTHING RETURNING *`,
      [workspaceId, input.name, description, JSON.stringify({ ...definition, name: input.name }), editorRef(caller)],
    );
    if (rows.length === 0) throw new ConflictError(`A journey named "${input.name}" already exists in this workspace`);
    return this.withEditor(rows[0]);
  }

  /**
   * Edits the draft. With `revision`, the edit applies only to that revision of the draft: when
   * someone saved since, nothing is written and the answer is 409, so that two editors never
   * silently overwrite each other.
   */
  async update(workspaceId: string, ref: string, changes: JourneyChanges, caller?: Principal): Promise<JourneyDto> {
    const row = await this.row(workspaceId, ref);
    if (row.status === 'archived') throw new ConflictError('An archived journey cannot be edited');
    const name = changes.name ?? row.name;
    const draft = changes.definition ? { ...changes.definition, name } : { ...row.draft, name };
    const rows = returnedRows<JourneyRow>(
      await this.dataSource.query(
        `UPDATE journeys SET name = $3, description = $4, draft = $5, draft_updated_at = CASE WHEN $6 THEN now() ELSE draft_updated_at END,
              draft_revision = draft_revision + 1, draft_updated_by = $8, updated_at = now()
        WHERE workspace_id = $1 AND id = $2 AND ($7::int IS NULL OR draft_revision = $7::int) RETURNING *`,
        [
          workspaceId,
          row.id,
          name,
          changes.description ?? row.description,
          JSON.stringify(draft),
          Boolean(changes.definition),
          changes.revision ?? null,
          editorRef(caller) ?? row.draft_updated_by,
        ],
      ),
    );
    if (rows.length === 0) {
      const current = await this.withEditor(await this.row(workspaceId, row.id));
      const by = current.draftUpdatedBy?.name ? ` by ${current.draftUpdatedBy.name}` : '';
      throw new ConflictError(
        `The draft was saved${by} since revision ${changes.revision} (it is at revision ${current.revision} now): reload it before saving, nothing was saved`,
        [{ field: 'revision', messages: [`current revision: ${current.revision}`] }],
      );
    }
    return this.withEditor(rows[0]);
  }

  /** A new draft with the same definition (canvas layout included), named "<name> (copy)" unless told otherwise. */
  async duplicate(workspaceId: string, ref: string, name: string | undefined, caller?: Principal): Promise<JourneyDto> {
    const row = await this.row(workspaceId, ref);
    if (name !== undefined)
      return this.create(workspaceId, { name, description: row.description ?? undefined, definition: row.draft }, caller);
    for (let attempt = 1; attempt <= 50; attempt++) {
      const suffix = attempt === 1 ? ' (copy)' : ` (copy ${attempt})`;
      const candidate = `${row.name.slice(0, 200 - suffix.length)}${suffix}`;
      try {
        return await this.create(
          workspaceId,
          { name: candidate, description: row.description ?? undefined, definition: row.draft },
          caller,
        );
      } catch (error) {
        if (!(error instanceof ConflictError)) throw error;
      }
    }
    throw new ConflictError(`Too many copies of "${row.name}": name this one`);
  }

  /** The journey with the label of who last saved its draft. */
  private async withEditor(row: JourneyRow): Promise<JourneyDto> {
    if (!row.draft_updated_by) return toJourney(row, null);
    const [found]: Array<{ name: string | null }> = await this.dataSource.query(
      `SELECT ${EDITOR_NAME} AS name FROM (SELECT $1::text AS ref) e`,
      [row.draft_updated_by],
    );
    return toJourney(row, found?.name ?? null);
  }

  async remove(workspaceId: string, ref: string): Promise<void> {
    const row = await this.row(workspaceId, ref);
    if (await this.runStore.hasRuns(row.id))
      throw new ConflictError('This journey has runs: archive it instead (POST /api/journeys/{id}/archive), which keeps their history');
    await this.dataSource.query('DELETE FROM journeys WHERE id = $1', [row.id]);
  }

  /** Every problem of a definition: the graph rules, then what the server knows (templates, topics, plugins). */
  async validate(workspaceId: string, definition: unknown): Promise<{ ok: boolean; problems: ValidationProblemDto[] }> {
    const report = validateJourney(definition as JourneyDefinition, { plugins: this.pluginSchemas() });
    const problems: ValidationProblemDto[] = [...report.problems];
    if (report.ok) {
      const refs = referencedResources(definition as JourneyDefinition);
      for (const key of refs.templates) {
        if (!(await this.templates.exists(workspaceId, key)))
          problems.push({ path: 'nodes', code: 'unknown_template', message: `template "${key}" does not exist` });
        else if ((await this.templates.channels(workspaceId, key, 'published').catch(() => [])).length === 0) {
          problems.push({ path: 'nodes', code: 'unpublished_template', message: `template "${key}" has no published version` });
        }
      }
      for (const key of refs.topics) {
        if (!(await this.preferences.topic(workspaceId, key)))
          problems.push({ path: 'nodes', code: 'unknown_topic', message: `topic "${key}" does not exist` });
      }
      for (const [kind, names] of [
        ['datasource', refs.dataSources],
        ['llm', refs.llms],
      ] as const) {
        for (const name of names) {
          if (!this.registry.list(kind).some((p) => p.id === name || p.id.endsWith(`/${name}`))) {
            problems.push({ path: 'nodes', code: 'unknown_plugin', message: `no ${kind} plugin "${name}" is installed` });
          }
        }
      }
      // Point server-side problems at the nodes that use the resource.
      for (const problem of problems.filter((p) => !p.nodeId && p.code !== undefined)) {
        const name = /"([^"]+)"/.exec(problem.message)?.[1];
        const node = (definition as JourneyDefinition).nodes.find((n) => JSON.stringify(n.config ?? {}).includes(`"${name}"`));
        if (node) {
          problem.nodeId = node.id;
          problem.path = `nodes.${(definition as JourneyDefinition).nodes.indexOf(node)}.config`;
        }
      }
    }
    return { ok: problems.length === 0, problems };
  }

  async publish(workspaceId: string, ref: string, note: string | undefined, caller: Principal): Promise<JourneyVersionDto> {
    const row = await this.row(workspaceId, ref);
    if (row.status === 'archived') throw new ConflictError('An archived journey cannot be published');
    const report = await this.validate(workspaceId, row.draft);
    if (!report.ok) {
      throw new UnprocessableError(
        `The draft has ${report.problems.length} problem(s); fix them and publish again: ${report.problems
          .slice(0, 3)
          .map((p) => `${p.nodeId ? `${p.nodeId}: ` : ''}${p.message}`)
          .join('; ')}`,
        report.problems.map((p) => ({ field: p.nodeId ? `node:${p.nodeId}` : p.path, messages: [`${p.code}: ${p.message}`] })),
      );
    }
    const version = await this.dataSource.transaction(async (m) => {
      const [locked]: JourneyRow[] = await m.query('SELECT * FROM journeys WHERE id = $1 FOR UPDATE', [row.id]);
      const next = (locked.current_version ?? 0) + 1;
      const [inserted] = await m.query(
        'INSERT INTO journey_versions (journey_id, version, workspace_id, definition, note, published_by) VALUES ($1, $2, $3, $4, $5, $6) RETURNING *',
        [
          row.id,
          next,
          workspaceId,
          JSON.stringify(locked.draft),
          note ?? null,
          caller.userId ? `user:${caller.userId}` : `api_key:${caller.apiKeyId}`,
        ],
      );
      await m.query(`UPDATE journeys SET current_version = $2, status = 'active', updated_at = now() WHERE id = $1`, [row.id, next]);
      return inserted;
    });
    await this.definitions.changed(workspaceId);
    return toVersion(version, false);
  }

  async versions(workspaceId: string, ref: string): Promise<JourneyVersionDto[]> {
    const row = await this.row(workspaceId, ref);
    const rows = await this.dataSource.query(
      'SELECT version, note, published_at, published_by FROM journey_versions WHERE journey_id = $1 ORDER BY version DESC',
      [row.id],
    );
    return rows.map((r: Record<string, unknown>) => toVersion(r, false));
  }

  async version(workspaceId: string, ref: string, version: number): Promise<JourneyVersionDto> {
    const row = await this.row(workspaceId, ref);
    const rows = await this.dataSource.query('SELECT * FROM journey_versions WHERE journey_id = $1 AND version = $2', [row.id, version]);
    if (rows.length === 0) throw new NotFoundError(`Journey "${row.name}" has no version ${version}`);
    return toVersion(rows[0], true);
  }

  /** pause: no new entries, runs in flight go on; resume: entries again; archive: no entries and runs in flight are cancelled. */
  async setStatus(workspaceId: string, ref: string, action: 'pause' | 'resume' | 'archive'): Promise<JourneyDto> {
    const row = await this.row(workspaceId, ref);
    if (action !== 'archive' && row.current_version === null) throw new ConflictError('Publish the journey first');
    if (row.status === 'archived' && action !== 'archive')
      throw new ConflictError('An archived journey cannot be resumed; create a new one');
    const status = { pause: 'paused', resume: 'active', archive: 'archived' }[action];
    const rows: JourneyRow[] = await this.dataSource.transaction(async (m) => {
      if (action === 'archive') await this.runStore.cancelJourneyRuns(row.id, 'journey archived', m);
      return returnedRows<JourneyRow>(
        await m.query('UPDATE journeys SET status = $2, updated_at = now() WHERE id = $1 RETURNING *', [row.id, status]),
      );
    });
    await this.definitions.changed(workspaceId);
    return toJourney(rows[0]);
  }

  /** API invocation (also `/send` with a journey): starts a run for the user. */
  async invoke(
    workspaceId: string,
    ref: string,
    userId: string,
    data: Record<string, unknown>,
    entryKey: string | null = null,
  ): Promise<{ runId: string }> {
    const row = await this.row(workspaceId, ref);
    if (row.status !== 'active' || row.current_version === null)
      throw new ConflictError(`Journey "${row.name}" is ${row.status === 'draft' ? 'not published' : row.status}: it takes no new entries`);
    const profileId = await this.profiles.requireIdOfUser(workspaceId, userId);
    const definition = await this.definitions.version(row.id, row.current_version);
    const runId = await this.entry.invoke(
      workspaceId,
      { journeyId: row.id, name: row.name, version: row.current_version, definition },
      profileId,
      data,
      entryKey,
    );
    if (!runId) throw new ConflictError(`"${userId}" is already in journey "${row.name}", or its re-entry rule keeps them out`);
    return { runId };
  }

  /** The journey a `/send` template name designates, when it is one. */
  async findByName(workspaceId: string, name: string): Promise<string | undefined> {
    const rows = await this.dataSource.query('SELECT id FROM journeys WHERE workspace_id = $1 AND (name = $2 OR id::text = $2)', [
      workspaceId,
      name,
    ]);
    return rows[0]?.id;
  }

  async runs(
    workspaceId: string,
    ref: string,
    search: { status?: string; userId?: string; limit?: number; cursor?: string },
  ): Promise<{ data: RunDto[]; nextCursor: string | null }> {
    const row = await this.row(workspaceId, ref);
    const limit = search.limit ?? 50;
    return pageOf(await this.runStore.runsOf(row.id, { ...search, limit }), limit, toRun);
  }

  async run(workspaceId: string, runId: string): Promise<RunDetailDto> {
    const found = await this.runStore.detail(workspaceId, runId);
    if (!found) throw new NotFoundError(`Run ${runId} not found in this workspace`);
    const { run, steps, timers } = found;
    return {
      ...toRun(run),
      context: run.context as Record<string, unknown>,
      steps: steps.map((s: Record<string, unknown>) => ({
        nodeId: s.node_id as string,
        visit: s.visit as number,
        type: s.node_type as string,
        status: s.status as string,
        input: s.input,
        output: s.output,
        port: s.port as string | null,
        error: s.error as string | null,
        startedAt: s.started_at as Date,
        finishedAt: s.finished_at as Date | null,
        durationMs: s.finished_at ? new Date(s.finished_at as Date).getTime() - new Date(s.started_at as Date).getTime() : null,
      })),
      timers: timers.map((t: Record<string, unknown>) => ({
        nodeId: t.node_id,
        visit: t.visit,
        kind: t.kind,
        dueAt: t.due_at,
        firedAt: t.fired_at,
      })),
    };
  }

  async cancel(workspaceId: string, runId: string): Promise<RunDto> {
    await this.run(workspaceId, runId);
    await this.runStore.stop(runId, 'cancelled', 'cancelled through the API');
    return this.run(workspaceId, runId);
  }

  /** What a run of the draft (or a version) would do for one profile and event; nothing is sent, stored or called unless asked. */
  async simulate(workspaceId: string, ref: string, input: SimulateJourneyDto): Promise<SimulationResult> {
    return this.simulator.simulate(workspaceId, await this.simulated(workspaceId, ref, input.version), simulationInput(input));
  }

  /** One fetch or ai node of the draft (or a version), really called; its output shows what `data.<node>` holds. */
  async runStep(workspaceId: string, ref: string, nodeId: string, input: RunNodeDto): Promise<{ port: string | null; output: unknown }> {
    return this.simulator.runStep(workspaceId, await this.simulated(workspaceId, ref, input.version), nodeId, {
      ...simulationInput(input),
      data: input.data,
    });
  }

  /** The draft or a version, checked: a simulation (or a back-test) walks only a graph that validates. */
  async simulated(workspaceId: string, ref: string, version: 'draft' | number | undefined): Promise<SimulatedJourney> {
    const row = await this.row(workspaceId, ref);
    let definition: JourneyDefinition;
    if (version === undefined || version === 'draft') {
      definition = row.draft;
    } else {
      const rows: Array<{ definition: JourneyDefinition }> = await this.dataSource.query(
        'SELECT definition FROM journey_versions WHERE journey_id = $1 AND version = $2',
        [row.id, version],
      );
      if (rows.length === 0) throw new NotFoundError(`Journey "${row.name}" has no version ${version}`);
      definition = rows[0].definition;
    }
    const report = validateJourney(definition, { plugins: this.pluginSchemas() });
    if (!report.ok) {
      throw new UnprocessableError(
        `The ${version === undefined || version === 'draft' ? 'draft' : `version ${version}`} has ${report.problems.length} problem(s) to fix before it can be simulated`,
        report.problems.map((p) => ({ field: p.nodeId ? `node:${p.nodeId}` : p.path, messages: [`${p.code}: ${p.message}`] })),
      );
    }
    return { journeyId: row.id, name: row.name, version: typeof version === 'number' ? version : 0, definition };
  }

  private pluginSchemas() {
    // Nodes name plugins by manifest id (`"source": "http"`) or by full id; both are accepted.
    const plugins = this.registry.list().filter((p) => p.plugin.manifest.kind !== 'channel');
    return plugins.flatMap((p) =>
      [p.id, p.plugin.manifest.id].map((id) => ({
        id,
        kind: p.plugin.manifest.kind as 'datasource' | 'llm',
        nodeParameters: p.plugin.manifest.nodeParameters,
      })),
    );
  }

  private async row(workspaceId: string, ref: string): Promise<JourneyRow> {
    const rows: JourneyRow[] = UUID.test(ref)
      ? await this.dataSource.query('SELECT * FROM journeys WHERE workspace_id = $1 AND id = $2', [workspaceId, ref])
      : await this.dataSource.query('SELECT * FROM journeys WHERE workspace_id = $1 AND name = $2', [workspaceId, ref]);
    if (rows.length === 0) throw new NotFoundError(`No journey "${ref}" in this workspace`);
    return rows[0];
  }
}

function toEditor(ref: string | null, name: string | null): JourneyEditorDto | null {
  const match = ref ? /^(user|api_key):(.+)$/.exec(ref) : null;
  return match ? { kind: match[1] as JourneyEditorDto['kind'], id: match[2], name } : null;
}

function toJourney(row: JourneyRow, editorName: string | null = null): JourneyDto {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    status: row.status as JourneyDto['status'],
    currentVersion: row.current_version,
    draft: row.draft as unknown as JourneyDefinitionDto,
    revision: row.draft_revision,
    draftUpdatedAt: row.draft_updated_at,
    draftUpdatedBy: toEditor(row.draft_updated_by, editorName),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function toVersion(row: Record<string, unknown>, withDefinition: boolean): JourneyVersionDto {
  return {
    version: row.version as number,
    note: row.note as string | null,
    publishedAt: row.published_at as Date,
    publishedBy: row.published_by as string | null,
    ...(withDefinition ? { definition: row.definition as JourneyDefinitionDto } : {}),
  };
}

function toRun(row: Record<string, unknown>): RunDto {
  return {
    id: row.id as string,
    journeyId: row.journey_id as string,
    version: row.version as number,
    userId: row.user_id as string | null,
    status: row.status as string,
    currentNode: row.current_node as string | null,
    waitingFor: row.waiting_for as string | null,
    enteredAt: row.entered_at as Date,
    endedAt: row.ended_at as Date | null,
    endReason: row.end_reason as string | null,
  };
}

function simulationInput(body: SimulateJourneyDto | RunNodeDto): SimulationInput {
  return {
    userId: body.userId,
    profile: body.profile,
    event: body.event,
    at: 'at' in body && body.at ? new Date(body.at) : undefined,
    waits: 'waits' in body ? body.waits : undefined,
    samples: 'samples' in body ? body.samples : undefined,
    live: 'live' in body ? body.live : undefined,
  };
}
