import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { EVENT_TYPES } from '../segment-event.js';

/** Documentation of Segment's event shape; validation is done by normalizeEvent, event by event. */
export class SegmentEventDto {
  @ApiPropertyOptional({ enum: EVENT_TYPES, description: 'Required inside a batch' }) type?: string;
  @ApiPropertyOptional({ description: 'userId or anonymousId is required' }) userId?: string;
  @ApiPropertyOptional() anonymousId?: string;
  @ApiPropertyOptional({ description: 'track: the event name' }) event?: string;
  @ApiPropertyOptional({ description: 'page/screen: the name' }) name?: string;
  @ApiPropertyOptional({ description: 'group: the account id' }) groupId?: string;
  @ApiPropertyOptional({ description: 'alias: the previous id' }) previousId?: string;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true }) properties?: Record<string, unknown>;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true }) traits?: Record<string, unknown>;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true }) context?: Record<string, unknown>;
  @ApiPropertyOptional({ maxLength: 100, description: 'Deduplication key; assigned when missing' }) messageId?: string;
  @ApiPropertyOptional({ format: 'date-time' }) timestamp?: string;
  @ApiPropertyOptional({ format: 'date-time' }) sentAt?: string;
  @ApiPropertyOptional({ description: 'Alternative to HTTP Basic auth' }) writeKey?: string;
}

export class SegmentBatchDto {
  @ApiProperty({ type: [SegmentEventDto], maxItems: 2500 }) batch: SegmentEventDto[];
  @ApiPropertyOptional({ format: 'date-time' }) sentAt?: string;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: "Merged into every event's context" }) context?: Record<
    string,
    unknown
  >;
  @ApiPropertyOptional() writeKey?: string;
}

class RejectedEventDto {
  @ApiProperty() index: number;
  @ApiPropertyOptional() messageId?: string;
  @ApiProperty() reason: string;
}

export class IngestResponseDto {
  @ApiProperty() success: boolean;
  @ApiProperty({ description: 'Events stored by this request' }) accepted: number;
  @ApiProperty({ description: 'Valid events already stored earlier (same messageId): ignored' }) duplicates: number;
  @ApiProperty({ type: [RejectedEventDto] }) rejected: RejectedEventDto[];
}
