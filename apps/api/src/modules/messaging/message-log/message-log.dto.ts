import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, IsUUID } from 'class-validator';
import { TimeRangePageQueryDto } from '../../profiles/dto/profile.dto.js';
import { MESSAGE_STATUSES } from '../delivery/message-store.js';

export class MessageSearchDto extends TimeRangePageQueryDto {
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
