import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsInt,
  IsISO8601,
  IsObject,
  IsOptional,
  IsString,
  Length,
  Max,
  Min,
  ValidateIf,
} from 'class-validator';

export const BACKTEST_LIMITS = { maxEvents: 100_000, defaultEvents: 10_000, maxSeconds: 600, defaultSeconds: 120, maxDays: 366 };

export class CreateBacktestDto {
  @ApiPropertyOptional({
    oneOf: [
      { type: 'string', enum: ['draft'] },
      { type: 'integer', minimum: 1 },
    ],
    description: '`draft` (default) or a version',
  })
  @IsOptional()
  @ValidateIf((o: CreateBacktestDto) => typeof o.version === 'string')
  @IsIn(['draft'], { message: 'version must be "draft" or a version number' })
  version?: 'draft' | number;

  @ApiProperty({ format: 'date-time', description: 'Start of the period whose trigger events are replayed' })
  @IsISO8601()
  from: string;

  @ApiProperty({ format: 'date-time', description: 'End of the period (exclusive)' })
  @IsISO8601()
  to: string;

  @ApiPropertyOptional({ type: [String], description: 'A cohort: only these profiles (userIds)' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(10_000)
  @IsString({ each: true })
  @Length(1, 255, { each: true })
  userIds?: string[];

  @ApiPropertyOptional({
    minimum: 1,
    maximum: BACKTEST_LIMITS.maxEvents,
    default: BACKTEST_LIMITS.defaultEvents,
    description: 'At most this many trigger events are replayed',
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(BACKTEST_LIMITS.maxEvents)
  maxEvents?: number;

  @ApiPropertyOptional({
    minimum: 1,
    maximum: BACKTEST_LIMITS.maxSeconds,
    default: BACKTEST_LIMITS.defaultSeconds,
    description: 'Time budget of the job',
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(BACKTEST_LIMITS.maxSeconds)
  maxSeconds?: number;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description: 'Per fetch or ai node: the output to use (no external call is made)',
  })
  @IsOptional()
  @IsObject()
  samples?: Record<string, unknown>;
}

export class BacktestProgressDto {
  @ApiProperty() eventsRead: number;
  @ApiProperty({ description: 'Trigger events in the period (at most maxEvents are read)' }) eventsTotal: number;
  @ApiProperty({ description: '0 to 1' }) fraction: number;
}

export class BacktestDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) journeyId: string;
  @ApiProperty({ type: Number, nullable: true, description: 'null: the draft' }) version: number | null;
  @ApiProperty({ enum: ['queued', 'running', 'completed', 'cancelled', 'failed'] }) status: string;
  @ApiProperty({ type: 'object', additionalProperties: true }) params: Record<string, unknown>;
  @ApiProperty({ type: BacktestProgressDto }) progress: BacktestProgressDto;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    nullable: true,
    description:
      'What would have happened: eventsRead, entered, rejectedByFilter, keptOutByReentry, skipped, outcomes, converted, conversionRate, avgSecondsToGoal, nodes (entered and ports), messages (decisions per send node and channel), rules (caps, cooldowns and quiet hours that applied, by reason); `truncated` when a bound stopped it',
  })
  result: Record<string, unknown> | null;
  @ApiProperty({ type: String, nullable: true }) error: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: Date;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) finishedAt: Date | null;
}
