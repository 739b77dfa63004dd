import { Global, Module } from '@nestjs/common';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Logger } from 'pino';
import { AppConfig } from '../../infra/config/app-config.js';
import { ROOT_LOGGER } from '../../infra/logging/logging.module.js';
import { ChannelsController } from './channels.controller.js';
import { ChannelsService } from './channels.service.js';
import { loadPlugins } from './plugin-loader.js';
import { PluginRegistry } from './plugin-registry.js';
import { PluginSelection } from './plugin-selection.js';
import { PluginsController } from './plugins.controller.js';

/** Every node_modules folder Node would search from the core's own folder, nearest first. */
export function defaultPluginRoots(from = dirname(fileURLToPath(import.meta.url))): string[] {
  const roots: string[] = [];
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules');
    if (existsSync(candidate)) roots.push(candidate);
    if (dirname(dir) === dir) return roots;
  }
}

@Global()
@Module({
  controllers: [PluginsController, ChannelsController],
  providers: [
    {
      provide: PluginRegistry,
      inject: [AppConfig, ROOT_LOGGER],
      useFactory: async (config: AppConfig, logger: Logger) => {
        const extra = (config.ITINERA_PLUGIN_PATHS ?? '')
          .split(',')
          .map((p) => p.trim())
          .filter(Boolean);
        const result = await loadPlugins([...defaultPluginRoots(), ...extra], new PluginSelection(config.ITINERA_PLUGINS));
        for (const failure of result.failures) logger.error({ plugin: failure.source, reason: failure.reason }, 'plugin not loaded');
        logger.info({ plugins: result.plugins.map((p) => p.id), excluded: result.excluded }, 'plugins loaded');
        return new PluginRegistry(result.plugins, result.failures, result.excluded);
      },
    },
    ChannelsService,
  ],
  exports: [PluginRegistry, ChannelsService],
})
export class PluginsModule {}
