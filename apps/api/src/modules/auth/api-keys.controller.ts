import { Body, Controller, Delete, Get, HttpCode, Inject, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ValidationError } from '../../infra/http/errors.js';
import { ApiKeysService } from './api-keys.service.js';
import { Caller, RequireRole } from './auth.decorators.js';
import { ApiKeyDto, CreateApiKeyDto, CreatedApiKeyDto } from './dto/auth.dto.js';
import type { Principal } from './principal.js';

@ApiTags('api-keys')
@RequireRole('owner')
@Controller('api/api-keys')
export class ApiKeysController {
  constructor(@Inject(ApiKeysService) private readonly apiKeys: ApiKeysService) {}

  @Get()
  @ApiOperation({ summary: "List the workspace's write and secret keys (never the keys themselves)" })
  @ApiOkResponse({ type: [ApiKeyDto] })
  list(@Caller() caller: Principal): Promise<ApiKeyDto[]> {
    return this.apiKeys.list(caller.workspaceId);
  }

  @Post()
  @ApiOperation({ summary: 'Create a key. The response is the only time the key is shown.' })
  @ApiCreatedResponse({ type: CreatedApiKeyDto })
  async create(@Caller() caller: Principal, @Body() body: CreateApiKeyDto): Promise<CreatedApiKeyDto> {
    if (body.kind === 'write' && body.role) {
      throw new ValidationError('Invalid request: role: write keys have no role', [
        { field: 'role', messages: ['write keys have no role'] },
      ]);
    }
    const { apiKey, key } = await this.apiKeys.create(caller.workspaceId, body);
    const { keyHash: _hash, ...visible } = apiKey;
    return { ...visible, key };
  }

  @Delete(':id')
  @HttpCode(200)
  @ApiOperation({ summary: 'Revoke a key; it stops working at once' })
  @ApiOkResponse({ type: ApiKeyDto })
  async revoke(@Caller() caller: Principal, @Param('id', new ParseUUIDPipe()) id: string): Promise<ApiKeyDto> {
    const { keyHash: _hash, ...visible } = await this.apiKeys.revoke(caller.workspaceId, id);
    return visible;
  }
}
