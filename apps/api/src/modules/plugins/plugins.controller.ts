import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { PluginListDto } from './dto/channels.dto.js';
import { PluginRegistry } from './plugin-registry.js';

@ApiTags('plugins')
@Controller('api/plugins')
export class PluginsController {
  constructor(@Inject(PluginRegistry) private readonly registry: PluginRegistry) {}

  @Get()
  @ApiOperation({ summary: 'Installed plugins with their manifests (config schemas, node parameters, capabilities), and load failures' })
  @ApiOkResponse({ type: PluginListDto })
  list(): PluginListDto {
    return {
      plugins: this.registry.list().map((p) => ({
        id: p.id,
        packageName: p.packageName,
        packageVersion: p.packageVersion,
        manifest: JSON.parse(JSON.stringify(p.plugin.manifest)) as Record<string, unknown>,
      })),
      failures: this.registry.failures,
      excluded: this.registry.excluded,
    };
  }
}
