import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsIn, IsISO8601, IsObject, IsOptional, IsString, IsUUID, Length } from 'class-validator';
import { PageQueryDto } from '../../profiles/dto/profile.dto.js';
import { MESSAGE_STATUSES } from '../message-store.js';

export class SendBodyDto {
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description:
      "Courier's shape: `to.user_id` (a profile), `template` (a template key or a journey), `data`, `routing` `{ method: single|all, channels }`, " +
      '`preferences.subscription_topic_id` (topic), `metadata.tags` (`urgent` skips quiet hours), `delay` `{ duration (ms) | until }`.',
    example: {
      to: { user_id: 'u1' },
      template: 'welcome',
      data: { plan: 'trial' },
      routing: { method: 'single', channels: ['email', 'sms'] },
    },
  })
  @IsObject({ message: 'message is required: { "message": { "to": { "user_id": "…" }, "template": "…" } }' })
  message: Record<string, unknown>;
}

export class SendResponseDto {
  @ApiProperty({ format: 'uuid' }) requestId: string;
}

export class MessageSearchDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: MESSAGE_STATUSES })
  @IsOptional()
  @IsIn(MESSAGE_STATUSES)
  status?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  channel?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  userId?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  template?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  requestId?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  journeyId?: string;

  @ApiPropertyOptional({ format: 'date-time' })
  @IsOptional()
  @IsISO8601()
  from?: string;

  @ApiPropertyOptional({ format: 'date-time' })
  @IsOptional()
  @IsISO8601()
  to?: string;
}

export class MessageEventDto {
  @ApiProperty() status: string;
  @ApiProperty({ format: 'date-time' }) occurredAt: Date;
  @ApiProperty({ type: 'object', additionalProperties: true }) detail: Record<string, unknown>;
}

export class MessageDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ nullable: true, type: String }) userId: string | null;
  @ApiProperty() channel: string;
  @ApiProperty({ enum: MESSAGE_STATUSES }) status: string;
  @ApiProperty({ nullable: true, type: String }) reason: string | null;
  @ApiProperty({ nullable: true, type: String }) template: string | null;
  @ApiProperty({ nullable: true, type: String }) topic: string | null;
  @ApiProperty({ nullable: true, type: String }) requestId: string | null;
  @ApiProperty({ nullable: true, type: String }) journeyId: string | null;
  @ApiProperty({ nullable: true, type: String }) runId: string | null;
  @ApiProperty({ nullable: true, type: String }) nodeId: string | null;
  @ApiProperty({ nullable: true, type: String }) provider: string | null;
  @ApiProperty({ nullable: true, type: String }) providerMessageId: string | null;
  @ApiProperty({ nullable: true, type: String }) recipient: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) deferredUntil: Date | null;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'Time of each lifecycle step reached (queued, sending, sent, delivered, opened, clicked, failed, bounced)',
  })
  timestamps: Record<string, Date | null>;
  @ApiPropertyOptional({ type: [MessageEventDto] }) events?: MessageEventDto[];
  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: 'The rendered content as sent' }) content?: unknown;
}

export class MessagePageDto {
  @ApiProperty({ type: [MessageDto] }) data: MessageDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}

export class TestSendDto {
  @ApiProperty({ description: 'The profile that receives the test' })
  @IsString()
  @Length(1, 255)
  userId: string;

  @ApiPropertyOptional({
    type: [String],
    description: "Channels to send on (each one); default: the template's channels, first that delivers",
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(7)
  @IsIn(['email', 'sms', 'push', 'slack', 'teams', 'inapp', 'webhook'], { each: true })
  channels?: string[];

  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: 'Sample `data` for the template' })
  @IsOptional()
  @IsObject()
  data?: Record<string, unknown>;

  @ApiPropertyOptional({ enum: ['draft', 'published'], default: 'draft' })
  @IsOptional()
  @IsIn(['draft', 'published'])
  version?: 'draft' | 'published';
}

export class ChannelOutcomeDto {
  @ApiProperty() channel: string;
  @ApiProperty({ enum: ['sent', 'failed', 'suppressed', 'throttled', 'deferred', 'skipped'] }) status: string;
  @ApiPropertyOptional() reason?: string;
  @ApiPropertyOptional({ format: 'uuid' }) messageId?: string;
}

export class DeliveryOutcomeDto {
  @ApiProperty({ enum: ['sent', 'deferred', 'failed', 'suppressed', 'throttled', 'skipped'] }) status: string;
  @ApiProperty({ type: [ChannelOutcomeDto] }) channels: ChannelOutcomeDto[];
}
