import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsObject, IsOptional, IsString, IsTimeZone, Length, MaxLength } from 'class-validator';

/** A profile given inline, not stored: for a simulation, a step run or a template preview. */
export class SampleProfileDto {
  @ApiPropertyOptional({ type: String, nullable: true })
  @IsOptional()
  @IsString()
  @Length(1, 255)
  userId?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(320)
  email?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(32)
  phone?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, example: 'Europe/Berlin' })
  @IsOptional()
  @IsTimeZone({ message: 'profile.timezone must be an IANA time zone such as Europe/Berlin' })
  timezone?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, example: 'en' })
  @IsOptional()
  @IsString()
  @MaxLength(35)
  locale?: string | null;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true })
  @IsOptional()
  @IsObject()
  traits?: Record<string, unknown>;
}
