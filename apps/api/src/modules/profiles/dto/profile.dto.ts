import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsIn, IsInt, IsObject, IsOptional, IsString, Length, Max, Min, ValidateNested, IsISO8601 } from 'class-validator';
import { IsValidTimezone } from '../../../infra/http/validators.js';
import { CONTACT_CHANNELS, type ContactChannel } from '../contact-points.js';

export class ContactPointInputDto {
  @ApiProperty({ enum: CONTACT_CHANNELS })
  @IsIn(CONTACT_CHANNELS)
  channel: ContactChannel;

  @ApiProperty({ description: 'E-mail address, phone number, push token, Slack or Teams user id' })
  @IsString()
  @Length(1, 4096)
  value: string;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: 'e.g. { "platform": "ios" } for a push token' })
  @IsOptional()
  @IsObject()
  metadata?: Record<string, unknown>;
}

export class ProfileWriteDto {
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description: 'PATCH: merged into the stored traits (null removes a trait). PUT: replaces them.',
  })
  @IsOptional()
  @IsObject()
  traits?: Record<string, unknown>;

  @ApiPropertyOptional({ type: [ContactPointInputDto] })
  @IsOptional()
  @ValidateNested({ each: true })
  @Type(() => ContactPointInputDto)
  contactPoints?: ContactPointInputDto[];

  @ApiPropertyOptional({ example: 'Europe/Paris' })
  @IsOptional()
  @IsValidTimezone()
  timezone?: string;

  @ApiPropertyOptional({ example: 'fr-FR' })
  @IsOptional()
  @IsString()
  @Length(2, 35)
  locale?: string;
}

export class ContactPointDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: CONTACT_CHANNELS }) channel: ContactChannel;
  @ApiProperty() value: string;
  @ApiProperty({ type: 'object', additionalProperties: true }) metadata: Record<string, unknown>;
  @ApiProperty({ enum: ['event', 'api'] }) source: string;
  @ApiProperty({ format: 'date-time' }) createdAt: Date;
}

export class AccountDto {
  @ApiProperty() groupId: string;
  @ApiProperty({ type: 'object', additionalProperties: true }) traits: Record<string, unknown>;
}

export class ProfileDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ nullable: true, type: String, description: "The product's user id; null for an anonymous profile" }) userId: string | null;
  @ApiProperty({ type: [String] }) anonymousIds: string[];
  @ApiProperty({ type: 'object', additionalProperties: true }) traits: Record<string, unknown>;
  @ApiProperty({ nullable: true, type: String }) email: string | null;
  @ApiProperty({ nullable: true, type: String }) phone: string | null;
  @ApiProperty({ nullable: true, type: String }) timezone: string | null;
  @ApiProperty({ nullable: true, type: String }) locale: string | null;
  @ApiProperty({ type: AccountDto, nullable: true }) account: AccountDto | null;
  @ApiProperty({ type: [ContactPointDto] }) contactPoints: ContactPointDto[];
  @ApiProperty({ format: 'date-time' }) createdAt: Date;
  @ApiProperty({ format: 'date-time' }) updatedAt: Date;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) lastSeenAt: Date | null;
}

export class ProfilePageDto {
  @ApiProperty({ type: [ProfileDto] }) data: ProfileDto[];
  @ApiProperty({ nullable: true, type: String, description: 'Pass as cursor for the next page; null on the last page' }) nextCursor:
    string | null;
}

const toInt = ({ value }: { value: unknown }) => (value === undefined || value === '' ? undefined : Number(value));

export class PageQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: 200, default: 50 })
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  cursor?: string;
}

/** A page of a list over time: `from` (inclusive) and `to` (exclusive) as ISO 8601 instants. */
export class TimeRangePageQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ format: 'date-time' })
  @IsOptional()
  @IsISO8601()
  from?: string;

  @ApiPropertyOptional({ format: 'date-time' })
  @IsOptional()
  @IsISO8601()
  to?: string;
}

export class ProfileSearchDto extends PageQueryDto {
  @ApiPropertyOptional({ description: 'Prefix of the user id or e-mail' })
  @IsOptional()
  @IsString()
  @Length(1, 320)
  q?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  email?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  userId?: string;

  @ApiPropertyOptional({ description: 'JSON object the traits must contain, e.g. {"plan":"pro"}', example: '{"plan":"pro"}' })
  @IsOptional()
  @IsString()
  traits?: string;

  @ApiPropertyOptional({ description: 'Group id of the account' })
  @IsOptional()
  @IsString()
  groupId?: string;
}

export class EventSearchDto extends TimeRangePageQueryDto {
  @ApiPropertyOptional({ description: 'Event name (track)' })
  @IsOptional()
  @IsString()
  event?: string;

  @ApiPropertyOptional({ enum: ['track', 'identify', 'page', 'screen', 'group', 'alias'] })
  @IsOptional()
  @IsIn(['track', 'identify', 'page', 'screen', 'group', 'alias'])
  type?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  userId?: string;
}

export class EventDto {
  @ApiProperty() id: string;
  @ApiProperty() messageId: string;
  @ApiProperty() type: string;
  @ApiProperty({ nullable: true, type: String }) event: string | null;
  @ApiProperty({ nullable: true, type: String }) name: string | null;
  @ApiProperty({ nullable: true, type: String }) userId: string | null;
  @ApiProperty({ nullable: true, type: String }) anonymousId: string | null;
  @ApiProperty({ nullable: true, type: String }) groupId: string | null;
  @ApiProperty({ type: 'object', additionalProperties: true }) properties: Record<string, unknown>;
  @ApiProperty({ type: 'object', additionalProperties: true }) traits: Record<string, unknown>;
  @ApiProperty({ type: 'object', additionalProperties: true }) context: Record<string, unknown>;
  @ApiProperty({ format: 'date-time' }) timestamp: Date;
  @ApiProperty({ format: 'date-time' }) receivedAt: Date;
}

export class EventPageDto {
  @ApiProperty({ type: [EventDto] }) data: EventDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}

export class ImportSummaryDto {
  @ApiProperty() type: 'done';
  @ApiProperty() processed: number;
  @ApiProperty() imported: number;
  @ApiProperty() failed: number;
}
