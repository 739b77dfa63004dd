import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsObject, IsOptional, IsString, Length, MaxLength } from 'class-validator';
import { PageQueryDto } from '../../profiles/dto/profile.dto.js';

const DEFINITION_DOC = 'The journey graph (SPEC "Journey definition"): entry, exit, caps, nodes, edges; drafts may be incomplete';

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

  @ApiProperty({ type: 'object', additionalProperties: true, description: DEFINITION_DOC })
  @IsObject()
  definition: Record<string, unknown>;
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

  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: DEFINITION_DOC })
  @IsOptional()
  @IsObject()
  definition?: Record<string, unknown>;
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

export class JourneyDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() name: string;
  @ApiProperty({ nullable: true, type: String }) description: string | null;
  @ApiProperty({ enum: ['draft', 'active', 'paused', 'archived'] }) status: string;
  @ApiProperty({ nullable: true, type: Number }) currentVersion: number | null;
  @ApiProperty({ type: 'object', additionalProperties: true }) draft: Record<string, unknown>;
  @ApiProperty({ format: 'date-time' }) draftUpdatedAt: Date;
  @ApiProperty({ format: 'date-time' }) createdAt: Date;
  @ApiProperty({ format: 'date-time' }) updatedAt: Date;
  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'number' }, description: 'Runs by status' }) runs?: Record<
    string,
    number
  >;
}

export class JourneyVersionDto {
  @ApiProperty() version: number;
  @ApiProperty({ nullable: true, type: String }) note: string | null;
  @ApiProperty({ format: 'date-time' }) publishedAt: Date;
  @ApiProperty({ nullable: true, type: String }) publishedBy: string | null;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true }) definition?: Record<string, unknown>;
}

export class RunDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) journeyId: string;
  @ApiProperty() version: number;
  @ApiProperty({ nullable: true, type: String }) userId: string | null;
  @ApiProperty() status: string;
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
