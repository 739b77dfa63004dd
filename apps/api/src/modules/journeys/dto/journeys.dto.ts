import { NODE_TYPE_NAMES } from '@itinera/journey-model';
import { ApiProperty, ApiPropertyOptional, getSchemaPath } from '@nestjs/swagger';
import { IsArray, IsIn, IsInt, IsObject, IsOptional, IsString, Length, MaxLength, Min } from 'class-validator';
import { PageQueryDto } from '../../profiles/dto/profile.dto.js';

const CONDITION = {
  oneOf: [{ type: 'object', additionalProperties: true }, { type: 'boolean' }],
  description: 'JSON Logic over { profile, event, data, run }',
};

// The journey definition as documents (SPEC "Journey definition"). Drafts may be incomplete, so
// requests only check that a definition is an object; `POST /api/journeys/{id}/validate` reports
// every problem. These classes give the definition its shape in the OpenAPI document.

export class JourneyNodeDto {
  @ApiProperty({ description: 'Unique in the journey: letters, digits, _ and -, starting with a letter or _' }) id: string;
  @ApiProperty({ enum: NODE_TYPE_NAMES }) type: (typeof NODE_TYPE_NAMES)[number];
  @ApiPropertyOptional({ description: 'Shown on the canvas' }) name?: string;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: "The node type's config (see the node catalogue)" })
  config?: Record<string, unknown>;
}

export class JourneyEdgeDto {
  @ApiProperty() from: string;
  @ApiPropertyOptional({ description: 'Output port of `from`; default `next`' }) port?: string;
  @ApiProperty() to: string;
}

export class ReentryWindowDto {
  @ApiProperty({ minimum: 1 }) afterSeconds: number;
}

export class JourneyEntryDto {
  @ApiPropertyOptional({ oneOf: [{ type: 'string', enum: ['once', 'always'] }, { $ref: getSchemaPath(ReentryWindowDto) }] }) reentry?:
    'once' | 'always' | ReentryWindowDto;
}

export class ExitGoalDto {
  @ApiProperty() event: string;
  @ApiPropertyOptional(CONDITION) filter?: Record<string, unknown> | boolean;
}

export class JourneyCapDto {
  @ApiProperty({ minimum: 1 }) limit: number;
  @ApiProperty({ minimum: 1 }) windowSeconds: number;
  @ApiPropertyOptional({ enum: ['skip', 'defer'] }) action?: 'skip' | 'defer';
}

export class CanvasPointDto {
  @ApiProperty() x: number;
  @ApiProperty() y: number;
}

/** Registered with `@ApiExtraModels` on the controller. */
const POINT = { $ref: getSchemaPath(CanvasPointDto) };

export class StickyNoteDto {
  @ApiProperty() id: string;
  @ApiProperty() x: number;
  @ApiProperty() y: number;
  @ApiPropertyOptional() width?: number;
  @ApiPropertyOptional() height?: number;
  @ApiProperty() text: string;
}

export class JourneyUiDto {
  @ApiPropertyOptional({ type: 'object', additionalProperties: POINT, description: 'Canvas positions by node id' }) positions?: Record<
    string,
    CanvasPointDto
  >;
  @ApiPropertyOptional({ type: [StickyNoteDto] }) notes?: StickyNoteDto[];
}

export class JourneyDefinitionDto {
  @ApiPropertyOptional() name?: string;
  @ApiPropertyOptional() description?: string;
  @ApiPropertyOptional({ type: JourneyEntryDto }) entry?: JourneyEntryDto;
  @ApiPropertyOptional({ type: [ExitGoalDto], description: 'Goal events: a run stops at once when its profile does one' })
  exit?: ExitGoalDto[];
  @ApiPropertyOptional({ type: [JourneyCapDto], description: "This journey's frequency caps" }) caps?: JourneyCapDto[];
  @ApiProperty({ type: [JourneyNodeDto] }) nodes: JourneyNodeDto[];
  @ApiProperty({ type: [JourneyEdgeDto] }) edges: JourneyEdgeDto[];
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: POINT,
    description: 'Canvas positions of older documents; the canvas writes ui.positions',
  })
  layout?: Record<string, CanvasPointDto>;
  @ApiPropertyOptional({ type: JourneyUiDto, description: 'What the canvas keeps with the journey; the engine ignores it' })
  ui?: JourneyUiDto;
}

const DEFINITION_DOC = 'The journey graph (SPEC "Journey definition"); drafts may be incomplete';

/**
 * `{ name, description?, definition }`, or the journey document itself (SPEC "Journey definition":
 * name, entry, exit, caps, nodes, edges, ui at the top level) as an export or an import sends it.
 */
export class CreateJourneyDto {
  @ApiProperty({ example: 'Trial onboarding' })
  @IsString()
  @Length(1, 200)
  name: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  description?: string;

  @ApiPropertyOptional({ type: JourneyDefinitionDto, description: `${DEFINITION_DOC}. Absent: the document's own top-level fields` })
  @IsOptional()
  @IsObject()
  definition?: JourneyDefinitionDto;

  @ApiPropertyOptional({ type: JourneyEntryDto }) @IsOptional() @IsObject() entry?: JourneyEntryDto;
  @ApiPropertyOptional({ type: [ExitGoalDto] }) @IsOptional() @IsArray() exit?: ExitGoalDto[];
  @ApiPropertyOptional({ type: [JourneyCapDto] }) @IsOptional() @IsArray() caps?: JourneyCapDto[];
  @ApiPropertyOptional({ type: [JourneyNodeDto] }) @IsOptional() @IsArray() nodes?: JourneyNodeDto[];
  @ApiPropertyOptional({ type: [JourneyEdgeDto] }) @IsOptional() @IsArray() edges?: JourneyEdgeDto[];
  @ApiPropertyOptional({ type: 'object', additionalProperties: POINT }) @IsOptional() @IsObject() layout?: Record<string, CanvasPointDto>;
  @ApiPropertyOptional({ type: JourneyUiDto }) @IsOptional() @IsObject() ui?: JourneyUiDto;
}

export class UpdateJourneyDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(1, 200)
  name?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  description?: string;

  @ApiPropertyOptional({ type: JourneyDefinitionDto, description: DEFINITION_DOC })
  @IsOptional()
  @IsObject()
  definition?: JourneyDefinitionDto;

  @ApiPropertyOptional({
    description:
      'The draft revision this edit started from; when the draft has moved on since, the edit is refused with 409 (nothing is saved)',
    minimum: 1,
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  revision?: number;
}

export class ValidateJourneyDto {
  @ApiPropertyOptional({ type: JourneyDefinitionDto, description: 'The definition to check; absent: the saved draft' })
  @IsOptional()
  @IsObject()
  definition?: JourneyDefinitionDto;
}

export class DuplicateJourneyDto {
  @ApiPropertyOptional({ description: 'Name of the copy; default: "<name> (copy)"' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  name?: string;
}

export class PublishJourneyDto {
  @ApiPropertyOptional({ description: 'What changed in this version' })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  note?: string;
}

export class InvokeJourneyDto {
  @ApiProperty()
  @IsString()
  @Length(1, 255)
  userId: string;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description: "The entry event's properties, and `data` in the run context",
  })
  @IsOptional()
  @IsObject()
  data?: Record<string, unknown>;
}

export class RunSearchDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: ['active', 'waiting', 'completed', 'exited', 'cancelled', 'failed'] })
  @IsOptional()
  @IsIn(['active', 'waiting', 'completed', 'exited', 'cancelled', 'failed'])
  status?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  userId?: string;
}

export class ValidationProblemDto {
  @ApiPropertyOptional() nodeId?: string;
  @ApiPropertyOptional() edgeIndex?: number;
  @ApiProperty() path: string;
  @ApiProperty() code: string;
  @ApiProperty() message: string;
}

export class ValidationReportDto {
  @ApiProperty() ok: boolean;
  @ApiProperty({ type: [ValidationProblemDto] }) problems: ValidationProblemDto[];
}

export class JourneyEditorDto {
  @ApiProperty({ enum: ['user', 'api_key'] }) kind: 'user' | 'api_key';
  @ApiProperty() id: string;
  @ApiProperty({ nullable: true, type: String, description: "The user's e-mail or the API key's name; null when it no longer exists" })
  name: string | null;
}

export class JourneyDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() name: string;
  @ApiProperty({ nullable: true, type: String }) description: string | null;
  @ApiProperty({ enum: ['draft', 'active', 'paused', 'archived'] }) status: 'draft' | 'active' | 'paused' | 'archived';
  @ApiProperty({ nullable: true, type: Number, description: 'The live version: the one new runs start on' }) currentVersion: number | null;
  @ApiProperty({ type: JourneyDefinitionDto }) draft: JourneyDefinitionDto;
  @ApiProperty({
    description: 'Goes up by one with every saved edit of the draft; send it back as `revision` to be told of concurrent edits',
  })
  revision: number;
  @ApiProperty({ format: 'date-time' }) draftUpdatedAt: Date;
  @ApiProperty({ type: JourneyEditorDto, nullable: true, description: 'Who last saved the draft' }) draftUpdatedBy: JourneyEditorDto | null;
  @ApiProperty({ format: 'date-time' }) createdAt: Date;
  @ApiProperty({ format: 'date-time' }) updatedAt: Date;
  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'number' }, description: 'Runs by status' }) runs?: Record<
    string,
    number
  >;
}

export class JourneySummaryDto extends JourneyDto {
  @ApiProperty({ description: 'The draft differs from the live version (canvas positions aside), or nothing is published yet' })
  hasUnpublishedChanges: boolean;
  @ApiProperty({ description: 'Runs in progress (active or waiting)' }) activeRuns: number;
  @ApiProperty({ description: 'Runs started in the last 7 days' }) entriesLast7Days: number;
}

export class JourneyVersionDto {
  @ApiProperty() version: number;
  @ApiProperty({ nullable: true, type: String }) note: string | null;
  @ApiProperty({ format: 'date-time' }) publishedAt: Date;
  @ApiProperty({ nullable: true, type: String }) publishedBy: string | null;
  @ApiPropertyOptional({ type: JourneyDefinitionDto }) definition?: JourneyDefinitionDto;
}

export class RunDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) journeyId: string;
  @ApiProperty() version: number;
  @ApiProperty({ nullable: true, type: String }) userId: string | null;
  @ApiProperty({ enum: ['active', 'waiting', 'completed', 'exited', 'cancelled', 'failed'] }) status: string;
  @ApiProperty({ nullable: true, type: String }) currentNode: string | null;
  @ApiProperty({ nullable: true, type: String }) waitingFor: string | null;
  @ApiProperty({ format: 'date-time' }) enteredAt: Date;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) endedAt: Date | null;
  @ApiProperty({ nullable: true, type: String }) endReason: string | null;
}

export class RunStepDto {
  @ApiProperty() nodeId: string;
  @ApiProperty() visit: number;
  @ApiProperty() type: string;
  @ApiProperty({ enum: ['started', 'completed', 'failed', 'waiting'] }) status: string;
  @ApiProperty({ type: 'object', additionalProperties: true, nullable: true }) input: unknown;
  @ApiProperty({ type: 'object', additionalProperties: true, nullable: true }) output: unknown;
  @ApiProperty({ nullable: true, type: String, description: 'The output port taken' }) port: string | null;
  @ApiProperty({ nullable: true, type: String }) error: string | null;
  @ApiProperty({ format: 'date-time' }) startedAt: Date;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) finishedAt: Date | null;
  @ApiProperty({ nullable: true, type: Number, description: 'Milliseconds from start to finish' }) durationMs: number | null;
}

export class RunDetailDto extends RunDto {
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'event, data (fetch and ai outputs), run' }) context: Record<
    string,
    unknown
  >;
  @ApiProperty({ type: [RunStepDto] }) steps: RunStepDto[];
  @ApiProperty({ type: 'array', items: { type: 'object', additionalProperties: true } }) timers: Array<Record<string, unknown>>;
}

export class RunPageDto {
  @ApiProperty({ type: [RunDto] }) data: RunDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}

export class InvokedDto {
  @ApiProperty({ format: 'uuid' }) runId: string;
}
