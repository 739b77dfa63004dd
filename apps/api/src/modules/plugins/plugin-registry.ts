import type { ChannelPlugin, DataSourcePlugin, ItineraPlugin, LlmPlugin, PluginKind } from '@itinera/plugin-sdk';
import { NotFoundError } from '../../infra/http/errors.js';
import type { LoadedPlugin, PluginLoadFailure } from './plugin-loader.js';

/** The plugins this process loaded at start, by id. Read-only after start. */
export class PluginRegistry {
  private readonly byId: Map<string, LoadedPlugin>;

  constructor(
    plugins: LoadedPlugin[],
    readonly failures: PluginLoadFailure[] = [],
    readonly excluded: string[] = [],
  ) {
    this.byId = new Map(plugins.map((p) => [p.id, p]));
  }

  list(kind?: PluginKind): LoadedPlugin[] {
    return [...this.byId.values()].filter((p) => !kind || p.plugin.manifest.kind === kind);
  }

  find(id: string): LoadedPlugin | undefined {
    return this.byId.get(id);
  }

  get(id: string): LoadedPlugin {
    const loaded = this.byId.get(id);
    if (!loaded) throw new NotFoundError(`No plugin "${id}" is installed; GET /api/plugins lists the installed ones`);
    return loaded;
  }

  channel(id: string): ChannelPlugin {
    return this.ofKind<ChannelPlugin>(id, 'channel');
  }

  dataSource(id: string): DataSourcePlugin {
    return this.ofKind<DataSourcePlugin>(id, 'datasource');
  }

  llm(id: string): LlmPlugin {
    return this.ofKind<LlmPlugin>(id, 'llm');
  }

  private ofKind<T extends ItineraPlugin>(id: string, kind: PluginKind): T {
    const { plugin } = this.get(id);
    if (plugin.manifest.kind !== kind) throw new NotFoundError(`Plugin "${id}" is a ${plugin.manifest.kind} plugin, not a ${kind} plugin`);
    return plugin as T;
  }
}
