import { Body, Controller, Get, Inject, Patch, Put } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Caller, RequireRole } from '../auth/auth.decorators.js';
import type { Principal } from '../auth/principal.js';
import { DeliverySettingsDto, DeliverySettingsPatchDto } from './dto/settings.dto.js';
import { SettingsService } from './settings.service.js';

@ApiTags('settings')
@Controller('api/settings')
export class SettingsController {
  constructor(@Inject(SettingsService) private readonly settings: SettingsService) {}

  @Get()
  @ApiOperation({ summary: "The workspace's delivery settings: quiet hours, global frequency caps, cooldown" })
  @ApiOkResponse({ type: DeliverySettingsDto })
  get(@Caller() caller: Principal): Promise<DeliverySettingsDto> {
    return this.settings.get(caller.workspaceId);
  }

  @Put()
  @RequireRole('owner')
  @ApiOperation({ summary: 'Replace the delivery settings (owner)' })
  @ApiOkResponse({ type: DeliverySettingsDto })
  replace(@Caller() caller: Principal, @Body() body: DeliverySettingsDto): Promise<DeliverySettingsDto> {
    return this.settings.replace(caller.workspaceId, body);
  }

  @Patch()
  @RequireRole('owner')
  @ApiOperation({ summary: 'Change some delivery settings: quiet-hours fields are merged, frequencyCaps replaced (owner)' })
  @ApiOkResponse({ type: DeliverySettingsDto })
  update(@Caller() caller: Principal, @Body() body: DeliverySettingsPatchDto): Promise<DeliverySettingsDto> {
    return this.settings.update(caller.workspaceId, body);
  }
}
