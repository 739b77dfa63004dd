import { ApiProperty, type ApiPropertyOptions, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsEmail, IsIn, IsOptional, IsString, Length, Matches, MaxLength, MinLength } from 'class-validator';
import { MAX_ALLOWED_ORIGINS, ORIGIN_PATTERN } from '../browser-origins.js';
import { WORKSPACE_ROLES, type WorkspaceRole } from '../roles.js';

const ALLOWED_ORIGINS_DOC: ApiPropertyOptions = {
  type: [String],
  nullable: true,
  maxItems: MAX_ALLOWED_ORIGINS,
  example: ['https://app.example.com', 'https://*.example.com'],
  description:
    'Write keys only: the browser origins (`scheme://host[:port]`, `*.` for sub-domains) that may send with this key; requests with another `Origin` get 403. Null or empty: any origin.',
};

export class LoginDto {
  @ApiProperty({ example: 'owner@example.com' })
  @IsEmail({ require_tld: false }, { message: 'email must be an e-mail address' })
  @MaxLength(320)
  email: string;

  @ApiProperty({ minLength: 1 })
  @IsString()
  @Length(1, 1024)
  password: string;
}

class IdentityUserDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() email: string;
}

class IdentityWorkspaceDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() name: string;
}

export class IdentityDto {
  @ApiProperty({ type: IdentityUserDto, nullable: true, description: 'null when the caller is an API key' })
  user: IdentityUserDto | null;
  @ApiProperty({ type: IdentityWorkspaceDto }) workspace: IdentityWorkspaceDto;
  @ApiProperty({ enum: WORKSPACE_ROLES }) role: WorkspaceRole;
  @ApiProperty({ enum: ['session', 'api_key'] }) via: 'session' | 'api_key';
}

export class MemberDto {
  @ApiProperty({ format: 'uuid' }) userId: string;
  @ApiProperty() email: string;
  @ApiProperty({ enum: WORKSPACE_ROLES }) role: WorkspaceRole;
  @ApiProperty({ format: 'date-time' }) createdAt: Date;
}

export class AddMemberDto {
  @ApiProperty()
  @IsEmail({ require_tld: false }, { message: 'email must be an e-mail address' })
  @MaxLength(320)
  email: string;

  @ApiProperty({ minLength: 8, description: 'Initial password (kept when the user already exists)' })
  @IsString()
  @MinLength(8)
  @MaxLength(1024)
  password: string;

  @ApiProperty({ enum: WORKSPACE_ROLES })
  @IsIn(WORKSPACE_ROLES)
  role: WorkspaceRole;
}

export class ChangeRoleDto {
  @ApiProperty({ enum: WORKSPACE_ROLES })
  @IsIn(WORKSPACE_ROLES)
  role: WorkspaceRole;
}

export class ApiKeyDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() name: string;
  @ApiProperty({ enum: ['write', 'secret'] }) kind: 'write' | 'secret';
  @ApiProperty({ enum: WORKSPACE_ROLES, nullable: true }) role: WorkspaceRole | null;
  @ApiProperty({ description: 'First characters of the key, to tell keys apart', example: 'itn_sk_Ab12' }) prefix: string;
  @ApiProperty(ALLOWED_ORIGINS_DOC) allowedOrigins: string[] | null;
  @ApiProperty({ format: 'date-time' }) createdAt: Date;
  @ApiProperty({ format: 'date-time', nullable: true }) lastUsedAt: Date | null;
  @ApiProperty({ format: 'date-time', nullable: true }) revokedAt: Date | null;
}

export class CreatedApiKeyDto extends ApiKeyDto {
  @ApiProperty({ description: 'The key itself. Shown once: store it now, it cannot be read again.' }) key: string;
}

export class CreateApiKeyDto {
  @ApiProperty({ minLength: 1, maxLength: 100, example: 'Production backend' })
  @IsString()
  @Length(1, 100)
  name: string;

  @ApiProperty({ enum: ['write', 'secret'], description: 'write: ingestion (/v1); secret: management (/api, /send)' })
  @IsIn(['write', 'secret'])
  kind: 'write' | 'secret';

  @ApiPropertyOptional({ enum: WORKSPACE_ROLES, description: 'Role of a secret key (default owner); not allowed for write keys' })
  @IsOptional()
  @IsIn(WORKSPACE_ROLES)
  role?: WorkspaceRole;

  @ApiPropertyOptional(ALLOWED_ORIGINS_DOC)
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_ALLOWED_ORIGINS)
  @Matches(ORIGIN_PATTERN, {
    each: true,
    message: 'each allowed origin must look like https://app.example.com (scheme, host, optional port; *. for sub-domains), in lower case',
  })
  allowedOrigins?: string[] | null;
}

export class UpdateApiKeyDto {
  @ApiPropertyOptional({ minLength: 1, maxLength: 100 })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  name?: string;

  @ApiPropertyOptional(ALLOWED_ORIGINS_DOC)
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_ALLOWED_ORIGINS)
  @Matches(ORIGIN_PATTERN, {
    each: true,
    message: 'each allowed origin must look like https://app.example.com (scheme, host, optional port; *. for sub-domains), in lower case',
  })
  allowedOrigins?: string[] | null;
}
