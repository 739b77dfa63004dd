import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsIn, IsObject, IsOptional, IsString, Length } from 'class-validator';
import { CHANNEL_NAMES } from './channels.js';

export class TestSendDto {
  @ApiProperty({ description: 'The profile that receives the test' })
  @IsString()
  @Length(1, 255)
  userId: string;

  @ApiPropertyOptional({
    enum: CHANNEL_NAMES,
    isArray: true,
    description: "Channels to send on (each one); default: the template's channels, first that delivers",
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(CHANNEL_NAMES.length)
  @IsIn(CHANNEL_NAMES, { each: true })
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
  @ApiProperty({ enum: ['sent', 'unknown', 'failed', 'suppressed', 'throttled', 'deferred', 'skipped'] }) status: string;
  @ApiPropertyOptional() reason?: string;
  @ApiPropertyOptional({ format: 'uuid' }) messageId?: string;
}

export class DeliveryOutcomeDto {
  @ApiProperty({ enum: ['sent', 'unknown', 'deferred', 'failed', 'suppressed', 'throttled', 'skipped'] }) status: string;
  @ApiProperty({ type: [ChannelOutcomeDto] }) channels: ChannelOutcomeDto[];
}
