import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsISO8601,
  IsObject,
  IsOptional,
  IsString,
  Length,
  Matches,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { SampleProfileDto } from '../../profiles/dto/sample-profile.dto.js';

export class SimulatedEventDto {
  @ApiProperty({ example: 'signed_up' })
  @IsString()
  @Length(1, 200)
  name: string;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true })
  @IsOptional()
  @IsObject()
  properties?: Record<string, unknown>;
}

export class SimulateJourneyDto {
  @ApiPropertyOptional({
    oneOf: [
      { type: 'string', enum: ['draft'] },
      { type: 'integer', minimum: 1 },
    ],
    description: '`draft` (default) or a published version number',
  })
  @IsOptional()
  @ValidateIf((o: SimulateJourneyDto) => typeof o.version === 'string')
  @IsIn(['draft'], { message: 'version must be "draft" or a version number' })
  version?: 'draft' | number;

  @ApiPropertyOptional({ description: 'A profile of the workspace (or give `profile` inline)' })
  @IsOptional()
  @IsString()
  @Length(1, 255)
  userId?: string;

  @ApiPropertyOptional({ type: SampleProfileDto, description: 'A sample profile, not stored' })
  @IsOptional()
  @ValidateNested()
  @Type(() => SampleProfileDto)
  profile?: SampleProfileDto;

  @ApiPropertyOptional({
    type: SimulatedEventDto,
    description: 'The entry event (event triggers); for API triggers, its properties are the data',
  })
  @IsOptional()
  @ValidateNested()
  @Type(() => SimulatedEventDto)
  event?: SimulatedEventDto;

  @ApiPropertyOptional({ format: 'date-time', description: 'The simulated time of entry (default: now)' })
  @IsOptional()
  @IsISO8601()
  at?: string;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'string', enum: ['matched', 'timeout'] },
    description: 'Per wait_for_event node: whether the awaited event comes (default timeout)',
  })
  @IsOptional()
  @IsObject()
  waits?: Record<string, 'matched' | 'timeout'>;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description: 'Per fetch or ai node: the output to use instead of a real call',
  })
  @IsOptional()
  @IsObject()
  samples?: Record<string, unknown>;

  @ApiPropertyOptional({ type: [String], description: 'fetch and ai nodes to call for real (through the SSRF guard)' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @IsString({ each: true })
  @Matches(/^[A-Za-z_][A-Za-z0-9_-]{0,63}$/, { each: true, message: 'live must list node ids' })
  live?: string[];
}

export class RunNodeDto {
  @ApiPropertyOptional({
    oneOf: [
      { type: 'string', enum: ['draft'] },
      { type: 'integer', minimum: 1 },
    ],
  })
  @IsOptional()
  @ValidateIf((o: RunNodeDto) => typeof o.version === 'string')
  @IsIn(['draft'], { message: 'version must be "draft" or a version number' })
  version?: 'draft' | number;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(1, 255)
  userId?: string;

  @ApiPropertyOptional({ type: SampleProfileDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => SampleProfileDto)
  profile?: SampleProfileDto;

  @ApiPropertyOptional({ type: SimulatedEventDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => SimulatedEventDto)
  event?: SimulatedEventDto;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: '`data.<node>` of the nodes before it' })
  @IsOptional()
  @IsObject()
  data?: Record<string, unknown>;
}

export class SimulatedConditionDto {
  @ApiProperty() port: string;
  @ApiProperty({ description: 'The JSON Logic condition' }) when: unknown;
  @ApiProperty() result: boolean;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'The value of each path the condition reads' })
  values: Record<string, unknown>;
}

export class PlannedChannelDto {
  @ApiProperty() channel: string;
  @ApiProperty({ enum: ['would_send', 'skipped', 'suppressed', 'failed', 'throttled', 'deferred'] }) status: string;
  @ApiPropertyOptional() reason?: string;
  @ApiPropertyOptional() recipient?: string;
  @ApiPropertyOptional({ format: 'date-time' }) deferredUntil?: string;
}

export class SimulatedMessageDto {
  @ApiProperty({ type: [PlannedChannelDto] }) decision: PlannedChannelDto[];
  @ApiProperty({
    type: 'array',
    items: { type: 'object', additionalProperties: true },
    description: 'Per channel that rendered: `{ channel, email | sms | push | chat | inapp | webhook }`',
  })
  rendered: Array<Record<string, unknown>>;
}

export class SimulatedStepDto {
  @ApiProperty() nodeId: string;
  @ApiProperty() type: string;
  @ApiProperty() visit: number;
  @ApiProperty({ format: 'date-time', description: 'The simulated time the step ran at' }) at: string;
  @ApiProperty({ type: 'object', additionalProperties: true }) input: { config: unknown };
  @ApiProperty({ nullable: true, description: "The step's output" }) output: unknown;
  @ApiProperty({ type: String, nullable: true }) port: string | null;
  @ApiPropertyOptional({ type: [SimulatedConditionDto] }) conditions?: SimulatedConditionDto[];
  @ApiProperty({
    type: String,
    nullable: true,
    format: 'date-time',
    description: 'Delays, wait timeouts, deferred sends: when the run goes on',
  })
  dueAt: string | null;
  @ApiProperty({ type: SimulatedMessageDto, nullable: true }) message: SimulatedMessageDto | null;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: 'Webhook nodes: the request that would be sent' })
  webhook?: Record<string, unknown>;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: 'The traits that would be written' })
  traits?: Record<string, unknown>;
  @ApiPropertyOptional({ description: 'fetch and ai: the output is a sample, not a real call' }) sample?: boolean;
}

export class SimulationOutcomeDto {
  @ApiProperty({ enum: ['completed', 'failed', 'exited', 'entry_rejected'] }) status: string;
  @ApiProperty() reason: string;
}

export class SimulationDto {
  @ApiProperty({ type: SimulationOutcomeDto }) outcome: SimulationOutcomeDto;
  @ApiProperty({ type: [SimulatedStepDto] }) steps: SimulatedStepDto[];
}

export class StepRunDto {
  @ApiProperty({ type: String, nullable: true, enum: ['next', 'error'] }) port: string | null;
  @ApiProperty({ nullable: true }) output: unknown;
}
