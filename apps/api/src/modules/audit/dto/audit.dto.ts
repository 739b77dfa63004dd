import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { TimeRangePageQueryDto } from '../../profiles/dto/profile.dto.js';

export const AUDIT_OUTCOMES = ['succeeded', 'refused'] as const;

export class AuditSearchDto extends TimeRangePageQueryDto {
  @ApiPropertyOptional({
    description: 'The first path segment after /api/: journeys, templates, api-keys, members, settings…',
    example: 'journeys',
  })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  resource?: string;

  @ApiPropertyOptional({ description: 'create, update, delete, replace, publish, revoke…', example: 'publish' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  action?: string;

  @ApiPropertyOptional({ description: 'The id or key of the target (a journey id, a template key, a user id)' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  targetId?: string;

  @ApiPropertyOptional({ description: 'Part of the actor: an e-mail or an API key name' })
  @IsOptional()
  @IsString()
  @MaxLength(320)
  actor?: string;

  @ApiPropertyOptional({ enum: AUDIT_OUTCOMES, description: 'succeeded: answered 2xx/3xx; refused: 4xx or 5xx' })
  @IsOptional()
  @IsIn(AUDIT_OUTCOMES)
  outcome?: (typeof AUDIT_OUTCOMES)[number];
}

export class AuditActorDto {
  @ApiProperty({ enum: ['user', 'api_key'] }) kind: 'user' | 'api_key';
  @ApiProperty({ type: String, nullable: true, format: 'uuid' }) id: string | null;
  @ApiProperty({ description: "The user's e-mail or the key's name, as they were at the time" }) label: string;
}

export class AuditEntryDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'date-time' }) occurredAt: string;
  @ApiProperty({ type: AuditActorDto }) actor: AuditActorDto;
  @ApiProperty({ example: 'POST' }) method: string;
  @ApiProperty({ example: '/api/journeys/:id/publish' }) route: string;
  @ApiProperty({ example: 'journeys' }) resource: string;
  @ApiProperty({ example: 'publish' }) action: string;
  @ApiProperty({ type: String, nullable: true }) targetId: string | null;
  @ApiProperty({ description: 'The HTTP status of the answer' }) status: number;
  @ApiProperty({ enum: AUDIT_OUTCOMES }) outcome: (typeof AUDIT_OUTCOMES)[number];
  @ApiProperty({ nullable: true, type: 'object', additionalProperties: true, description: 'The fields the request set, secrets redacted' })
  changes: Record<string, unknown> | null;
  @ApiProperty({
    nullable: true,
    type: 'object',
    additionalProperties: true,
    description: 'What the answer said of the target (id, key, name, version, status, message)',
  })
  result: Record<string, unknown> | null;
}

export class AuditPageDto {
  @ApiProperty({ type: [AuditEntryDto] }) data: AuditEntryDto[];
  @ApiProperty({ type: String, nullable: true }) nextCursor: string | null;
}
