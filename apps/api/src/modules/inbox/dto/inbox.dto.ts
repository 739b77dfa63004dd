import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsIn, IsOptional, IsUUID } from 'class-validator';
import { PageQueryDto } from '../../profiles/dto/profile.dto.js';
import { INBOX_ACTIONS, INBOX_FILTERS, type InboxAction } from '../inbox.service.js';

export class InboxListQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: INBOX_FILTERS, default: 'all', description: 'all: not archived' })
  @IsOptional()
  @IsIn(INBOX_FILTERS)
  status?: (typeof INBOX_FILTERS)[number];
}

export class InboxItemDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() title: string;
  @ApiProperty() body: string;
  @ApiProperty({ nullable: true, type: String }) actionUrl: string | null;
  @ApiProperty({ type: 'object', additionalProperties: true }) data: Record<string, unknown>;
  @ApiProperty({ nullable: true, type: String }) topic: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: Date;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) seenAt: Date | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) readAt: Date | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) archivedAt: Date | null;
}

export class InboxPageDto {
  @ApiProperty({ type: [InboxItemDto] }) data: InboxItemDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}

export class InboxCountsDto {
  @ApiProperty() unread: number;
  @ApiProperty() unseen: number;
  @ApiProperty() total: number;
}

export class InboxBulkDto {
  @ApiProperty({ enum: INBOX_ACTIONS })
  @IsIn(INBOX_ACTIONS)
  action: InboxAction;

  @ApiPropertyOptional({ type: [String], description: "Messages to change; all of the user's when omitted" })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(500)
  @IsUUID('all', { each: true })
  messageIds?: string[];
}

export class InboxChangedDto {
  @ApiProperty() changed: number;
}

export class SigningKeyDto {
  @ApiProperty({ description: 'HMAC-SHA256 key: a user token is hex(HMAC(key, userId))' }) signingKey: string;
}
