import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsInt, IsISO8601, IsOptional, Min } from 'class-validator';

export class AnalyticsQueryDto {
  @ApiPropertyOptional({ minimum: 1, description: 'One published version (default: all of them)' })
  @IsOptional()
  @Transform(({ value }) => (typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value))
  @IsInt({ message: 'version must be a version number' })
  @Min(1)
  version?: number;

  @ApiPropertyOptional({ format: 'date-time', description: 'Start of the range (default: 30 days before `to`)' })
  @IsOptional()
  @IsISO8601()
  from?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'End of the range (default: now)' })
  @IsOptional()
  @IsISO8601()
  to?: string;
}

export class PortCountDto {
  @ApiProperty() port: string;
  @ApiProperty() count: number;
  @ApiProperty({ description: "Share of the node's completions" }) share: number;
}

export class NodeAnalyticsDto {
  @ApiProperty() nodeId: string;
  @ApiProperty() type: string;
  @ApiProperty() entered: number;
  @ApiProperty() completed: number;
  @ApiProperty() failed: number;
  @ApiProperty({ description: 'Runs stopped at the node (goal exit, cancel)' }) stopped: number;
  @ApiProperty({ description: 'Runs at the node now (all time, not the range)' }) waitingNow: number;
  @ApiProperty({ type: [PortCountDto] }) ports: PortCountDto[];
}

export class GoalAnalyticsDto {
  @ApiProperty() event: string;
  @ApiProperty() converted: number;
  @ApiProperty({ description: 'Conversions per run entered in the range' }) rate: number;
  @ApiProperty({ type: Number, nullable: true }) avgSecondsToConvert: number | null;
}

export class SendFunnelDto {
  @ApiProperty() nodeId: string;
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'integer' },
    description:
      'Messages reaching each status: deferred, throttled, suppressed, sent, unknown, delivered, opened, clicked, bounced, failed',
  })
  funnel: Record<string, number>;
}

export class LastTouchDto {
  @ApiProperty() nodeId: string;
  @ApiProperty({ type: String, nullable: true }) template: string | null;
  @ApiProperty({ description: 'Conversions whose last message before converting came from this node' }) conversions: number;
  @ApiProperty() share: number;
}

export class ProportionTestDto {
  @ApiProperty() difference: number;
  @ApiProperty() z: number;
  @ApiProperty() pValue: number;
  @ApiProperty() significant: boolean;
}

export class VariantAnalyticsDto {
  @ApiProperty() port: string;
  @ApiProperty() entered: number;
  @ApiProperty() converted: number;
  @ApiProperty() rate: number;
  @ApiProperty({ type: ProportionTestDto, nullable: true, description: 'Against the control (the first variant)' })
  comparison: ProportionTestDto | null;
}

export class SplitAnalyticsDto {
  @ApiProperty() nodeId: string;
  @ApiProperty() method: string;
  @ApiProperty({ type: String, nullable: true }) control: string | null;
  @ApiProperty({ type: [VariantAnalyticsDto] }) variants: VariantAnalyticsDto[];
}

export class SeriesPointDto {
  @ApiProperty({ format: 'date-time' }) at: string;
  @ApiProperty() entered: number;
  @ApiProperty() converted: number;
}

export class JourneyAnalyticsDto {
  @ApiProperty({ format: 'uuid' }) journeyId: string;
  @ApiProperty({ type: [Number] }) versions: number[];
  @ApiProperty({ format: 'date-time' }) from: string;
  @ApiProperty({ format: 'date-time' }) to: string;
  @ApiProperty({ description: 'Runs entered' }) entered: number;
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'integer' },
    description: 'Runs ended, by status: completed, exited, failed, cancelled',
  })
  ended: Record<string, number>;
  @ApiProperty() converted: number;
  @ApiProperty() conversionRate: number;
  @ApiProperty({ type: [GoalAnalyticsDto] }) goals: GoalAnalyticsDto[];
  @ApiProperty({ type: [NodeAnalyticsDto] }) nodes: NodeAnalyticsDto[];
  @ApiProperty({ type: [SendFunnelDto] }) sends: SendFunnelDto[];
  @ApiProperty({ type: [LastTouchDto] }) lastTouch: LastTouchDto[];
  @ApiProperty({ type: [SplitAnalyticsDto] }) splits: SplitAnalyticsDto[];
  @ApiProperty({ type: [SeriesPointDto], description: 'Entries and conversions per hour (ranges up to 3 days) or per day' })
  series: SeriesPointDto[];
}
