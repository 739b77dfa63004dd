import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsDefined,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { IsValidTimezone } from '../../../infra/http/validators.js';
import { CAP_ACTIONS, CAP_SCOPES, MAX_FREQUENCY_CAPS } from '../delivery-settings.js';
import { WEEKDAYS, type Weekday } from '../quiet-hours.js';

const CLOCK = /^([01]\d|2[0-3]):[0-5]\d$/;
const CLOCK_MESSAGE = (field: string) => `${field} must be a 24-hour time HH:MM, e.g. 21:00`;
const CHANNEL = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
const YEAR_SECONDS = 366 * 86_400;

export class QuietHoursDto {
  @ApiProperty({ description: 'Defer non-urgent sends that fall inside the window' })
  @IsBoolean()
  enabled: boolean;

  @ApiProperty({ example: '21:00', description: "Local time (the profile's zone) at which quiet hours start" })
  @IsString()
  @Matches(CLOCK, { message: CLOCK_MESSAGE('start') })
  start: string;

  @ApiProperty({
    example: '08:00',
    description: 'Local time at which they end; earlier than start means the next day, equal to start means a whole day',
  })
  @IsString()
  @Matches(CLOCK, { message: CLOCK_MESSAGE('end') })
  end: string;

  @ApiPropertyOptional({
    enum: WEEKDAYS,
    isArray: true,
    description: 'Days on which a window starts (a Friday 21:00→08:00 window runs into Saturday); default every day',
  })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1, { message: 'days must list at least one day, or be left out for every day' })
  @ArrayUnique({ message: 'days must not repeat a day' })
  @IsIn(WEEKDAYS, { each: true, message: `each of days must be one of ${WEEKDAYS.join(', ')}` })
  days?: Weekday[];

  @ApiPropertyOptional({
    example: 'Europe/Paris',
    description: "Zone for profiles without a timezone; default: the workspace's default time zone",
  })
  @IsOptional()
  @IsValidTimezone()
  defaultTimezone?: string;
}

/** PATCH: any field of the quiet hours; the merged result is checked as a whole. */
export class QuietHoursPatchDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;

  @ApiPropertyOptional({ example: '21:00' })
  @IsOptional()
  @IsString()
  @Matches(CLOCK, { message: CLOCK_MESSAGE('start') })
  start?: string;

  @ApiPropertyOptional({ example: '08:00' })
  @IsOptional()
  @IsString()
  @Matches(CLOCK, { message: CLOCK_MESSAGE('end') })
  end?: string;

  @ApiPropertyOptional({ enum: WEEKDAYS, isArray: true, nullable: true, description: 'null: every day' })
  @ValidateIf((_, value) => value !== undefined && value !== null)
  @IsArray()
  @ArrayMinSize(1, { message: 'days must list at least one day, or be null for every day' })
  @ArrayUnique({ message: 'days must not repeat a day' })
  @IsIn(WEEKDAYS, { each: true, message: `each of days must be one of ${WEEKDAYS.join(', ')}` })
  days?: Weekday[] | null;

  @ApiPropertyOptional({ example: 'Europe/Paris', nullable: true, type: String, description: "null: the workspace's default time zone" })
  @ValidateIf((_, value) => value !== undefined && value !== null)
  @IsValidTimezone()
  defaultTimezone?: string | null;
}

export class FrequencyCapDto {
  @ApiPropertyOptional({ description: 'Stable id of the cap (given when left out); recorded as the reason of a capped message' })
  @IsOptional()
  @IsString()
  @Matches(/^[A-Za-z0-9_-]{1,64}$/, { message: 'id must be 1-64 letters, digits, - or _' })
  id?: string;

  @ApiProperty({ enum: CAP_SCOPES, description: '`global`: every message to the profile; `channel`: messages on one channel' })
  @IsIn(CAP_SCOPES)
  scope: (typeof CAP_SCOPES)[number];

  @ApiPropertyOptional({ example: 'email', description: 'Required when scope is `channel`' })
  @IsOptional()
  @IsString()
  @Matches(CHANNEL, { message: 'channel must be a channel name such as email, sms or push' })
  channel?: string;

  @ApiProperty({ minimum: 1, example: 3, description: 'At most this many messages per window' })
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  limit: number;

  @ApiProperty({ minimum: 60, maximum: YEAR_SECONDS, example: 86400 })
  @IsInt()
  @Min(60, { message: 'windowSeconds must be at least 60' })
  @Max(YEAR_SECONDS, { message: `windowSeconds must be at most ${YEAR_SECONDS} (a year)` })
  windowSeconds: number;

  @ApiProperty({ enum: CAP_ACTIONS, description: '`skip` drops the message; `defer` sends it when the window allows' })
  @IsIn(CAP_ACTIONS)
  action: (typeof CAP_ACTIONS)[number];
}

export class DeliverySettingsDto {
  @ApiProperty({ type: QuietHoursDto })
  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => QuietHoursDto)
  quietHours: QuietHoursDto;

  @ApiProperty({ type: [FrequencyCapDto] })
  @IsDefined()
  @IsArray()
  @ArrayMaxSize(MAX_FREQUENCY_CAPS)
  @ValidateNested({ each: true })
  @Type(() => FrequencyCapDto)
  frequencyCaps: FrequencyCapDto[];

  @ApiPropertyOptional({
    minimum: 0,
    maximum: YEAR_SECONDS,
    description: 'Least time between two messages to one profile; 0 or left out: none',
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(YEAR_SECONDS)
  cooldownSeconds?: number;
}

export class DeliverySettingsPatchDto {
  @ApiPropertyOptional({ type: QuietHoursPatchDto, description: 'Merged into the stored quiet hours' })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => QuietHoursPatchDto)
  quietHours?: QuietHoursPatchDto;

  @ApiPropertyOptional({ type: [FrequencyCapDto], description: 'Replaces the stored caps' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_FREQUENCY_CAPS)
  @ValidateNested({ each: true })
  @Type(() => FrequencyCapDto)
  frequencyCaps?: FrequencyCapDto[];

  @ApiPropertyOptional({ minimum: 0, maximum: YEAR_SECONDS, nullable: true, type: Number, description: 'null or 0: no cooldown' })
  @ValidateIf((_, value) => value !== undefined && value !== null)
  @IsInt()
  @Min(0)
  @Max(YEAR_SECONDS)
  cooldownSeconds?: number | null;
}
