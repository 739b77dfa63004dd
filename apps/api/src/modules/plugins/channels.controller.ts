import { Body, Controller, Delete, Get, HttpCode, Inject, Param, ParseUUIDPipe, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Caller, RequireRole } from '../auth/auth.decorators.js';
import type { Principal } from '../auth/principal.js';
import { ChannelsService } from './channels.service.js';
import { ConnectionTestDto, CreateProviderDto, ProviderDto, ProviderListQueryDto, UpdateProviderDto } from './dto/channels.dto.js';
import { NotAudited } from '../audit/not-audited.js';

@ApiTags('channels')
@Controller('api/channels')
export class ChannelsController {
  constructor(@Inject(ChannelsService) private readonly channels: ChannelsService) {}

  @Get()
  @ApiOperation({ summary: 'Configured providers (channels, data sources, LLMs); secrets are never returned' })
  @ApiOkResponse({ type: [ProviderDto] })
  list(@Caller() caller: Principal, @Query() query: ProviderListQueryDto): Promise<ProviderDto[]> {
    return this.channels.list(caller.workspaceId, query);
  }

  @Post()
  @RequireRole('owner')
  @ApiOperation({ summary: "Configure a provider, validated against its plugin's configSchema (owner)" })
  @ApiCreatedResponse({ type: ProviderDto })
  create(@Caller() caller: Principal, @Body() body: CreateProviderDto): Promise<ProviderDto> {
    return this.channels.create(caller.workspaceId, body);
  }

  @Get(':id')
  @ApiOkResponse({ type: ProviderDto })
  get(@Caller() caller: Principal, @Param('id', new ParseUUIDPipe()) id: string): Promise<ProviderDto> {
    return this.channels.get(caller.workspaceId, id);
  }

  @Patch(':id')
  @RequireRole('owner')
  @ApiOperation({ summary: 'Change a provider; omitted secrets keep their stored value (owner)' })
  @ApiOkResponse({ type: ProviderDto })
  update(@Caller() caller: Principal, @Param('id', new ParseUUIDPipe()) id: string, @Body() body: UpdateProviderDto): Promise<ProviderDto> {
    return this.channels.update(caller.workspaceId, id, body);
  }

  @Delete(':id')
  @RequireRole('owner')
  @HttpCode(204)
  @ApiNoContentResponse()
  async remove(@Caller() caller: Principal, @Param('id', new ParseUUIDPipe()) id: string): Promise<void> {
    await this.channels.remove(caller.workspaceId, id);
  }

  @Post(':id/test')
  @NotAudited()
  @RequireRole('editor')
  @HttpCode(200)
  @ApiOperation({ summary: 'Test connection: the plugin checks the stored configuration against its provider' })
  @ApiOkResponse({ type: ConnectionTestDto })
  test(@Caller() caller: Principal, @Param('id', new ParseUUIDPipe()) id: string): Promise<ConnectionTestDto> {
    return this.channels.testConnection(caller.workspaceId, id);
  }
}
