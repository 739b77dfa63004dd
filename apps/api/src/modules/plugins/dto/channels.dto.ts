import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsInt, IsObject, IsOptional, IsString, Length, Max, Min } from 'class-validator';

export class PluginDto {
  @ApiProperty({ description: '`<package>/<manifest id>`', example: '@itinera/channel-sms-twilio/sms-twilio' }) id: string;
  @ApiProperty() packageName: string;
  @ApiProperty() packageVersion: string;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'The plugin manifest: kind, channel, displayName, configSchema, nodeParameters, capabilities',
  })
  manifest: Record<string, unknown>;
}

class PluginFailureDto {
  @ApiProperty() source: string;
  @ApiProperty() reason: string;
}

export class PluginListDto {
  @ApiProperty({ type: [PluginDto] }) plugins: PluginDto[];
  @ApiProperty({ type: [PluginFailureDto], description: 'Packages or plugins that could not be loaded, and why' })
  failures: PluginFailureDto[];
  @ApiProperty({ type: [String], description: 'Installed plugins left out by ITINERA_PLUGINS' }) excluded: string[];
}

export class CreateProviderDto {
  @ApiProperty({ example: '@itinera/channel-email-smtp/email-smtp' })
  @IsString()
  @Length(1, 300)
  pluginId: string;

  @ApiProperty({ example: 'Transactional SMTP', description: 'Unique in the workspace' })
  @IsString()
  @Length(1, 100)
  name: string;

  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: "Values for the plugin's configSchema; x-secret fields are encrypted at rest and never returned",
  })
  @IsObject()
  config: Record<string, unknown>;

  @ApiPropertyOptional({ default: 0, description: 'Lower is tried first among providers of the same channel (fallback order)' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(1000)
  priority?: number;

  @ApiPropertyOptional({ default: true })
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;
}

export class UpdateProviderDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(1, 100)
  name?: string;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description: 'Merged into the stored configuration; omitted secrets keep their stored value',
  })
  @IsOptional()
  @IsObject()
  config?: Record<string, unknown>;

  @ApiPropertyOptional()
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(1000)
  priority?: number;

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;
}

export class ProviderListQueryDto {
  @ApiPropertyOptional({ example: 'sms' })
  @IsOptional()
  @IsString()
  channel?: string;

  @ApiPropertyOptional({ enum: ['channel', 'datasource', 'llm'] })
  @IsOptional()
  @IsIn(['channel', 'datasource', 'llm'])
  kind?: string;
}

export class ProviderDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() pluginId: string;
  @ApiProperty({ enum: ['channel', 'datasource', 'llm'] }) kind: string;
  @ApiProperty({ nullable: true, type: String }) channel: string | null;
  @ApiProperty() name: string;
  @ApiProperty() priority: number;
  @ApiProperty() enabled: boolean;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'Non-secret configuration' }) config: Record<string, unknown>;
  @ApiProperty({ type: [String], description: 'Names of the secret fields that are set (their values are never returned)' })
  secretsSet: string[];
  @ApiProperty({ description: 'false when the plugin is not installed (or excluded) in this deployment' }) pluginInstalled: boolean;
  @ApiProperty({ format: 'date-time' }) createdAt: Date;
  @ApiProperty({ format: 'date-time' }) updatedAt: Date;
}

export class ConnectionTestDto {
  @ApiProperty() ok: boolean;
  @ApiProperty() message: string;
}
