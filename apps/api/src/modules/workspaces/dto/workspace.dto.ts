import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, IsTimeZone, Length } from 'class-validator';

export class WorkspaceDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() name: string;
  @ApiProperty({ description: 'IANA time zone used when a profile has none', example: 'Europe/Paris' }) defaultTimezone: string;
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
}
