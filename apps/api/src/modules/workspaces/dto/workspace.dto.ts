import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsLocale, IsOptional, IsString, IsTimeZone, Length, Max, MaxLength, Min, ValidateIf } from 'class-validator';

export class WorkspaceDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() name: string;
  @ApiProperty({ description: 'IANA time zone used when a profile has none', example: 'Europe/Paris' }) defaultTimezone: string;
  @ApiProperty({
    type: String,
    nullable: true,
    description: "Locale (BCP 47) whose template variants a message uses when the profile has none; null: the templates' default content",
    example: 'de',
  })
  defaultLocale: string | null;
  @ApiProperty({ minimum: 1, maximum: 3650, description: 'Days the audit log keeps an entry' }) auditRetentionDays: number;
  @ApiProperty({ format: 'date-time' }) createdAt: Date;
}

export class UpdateWorkspaceDto {
  @ApiPropertyOptional({ minLength: 1, maxLength: 200 })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  name?: string;

  @ApiPropertyOptional({ example: 'Europe/Paris' })
  @IsOptional()
  @IsTimeZone({ message: 'defaultTimezone must be an IANA time zone such as Europe/Paris' })
  defaultTimezone?: string;

  @ApiPropertyOptional({ type: String, nullable: true, example: 'de', description: 'null clears it' })
  @IsOptional()
  @ValidateIf((_, value) => value !== null)
  @IsString()
  @MaxLength(35)
  @IsLocale({ message: 'defaultLocale must be a locale such as en, de or pt-BR' })
  defaultLocale?: string | null;

  @ApiPropertyOptional({ minimum: 1, maximum: 3650, example: 365 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(3650)
  auditRetentionDays?: number;
}
