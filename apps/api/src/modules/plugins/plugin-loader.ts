import { type ItineraPlugin, parsePackageDeclaration, pluginsFromModule, validateManifest } from '@itinera/plugin-sdk';
import { existsSync } from 'node:fs';
import { readdir, readFile, realpath } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { PluginSelection } from './plugin-selection.js';

export interface LoadedPlugin {
  /** `<package name>/<manifest id>` */
  id: string;
  packageName: string;
  packageVersion: string;
  plugin: ItineraPlugin;
}

export interface PluginLoadFailure {
  /** The package, or `<package>/<id>` once the plugin's id is known. */
  source: string;
  reason: string;
}

export interface PluginLoadResult {
  plugins: LoadedPlugin[];
  failures: PluginLoadFailure[];
  /** Plugins found but left out by ITINERA_PLUGINS. */
  excluded: string[];
}

interface FoundPackage {
  dir: string;
  packageJson: { name?: string; version?: string; itinera?: unknown; keywords?: string[] };
}

/**
 * Discovers plugin packages — every package in the given node_modules folders (npm workspaces
 * link `plugins/*` there too) or plugin folders whose package.json has an `"itinera"` field —
 * and loads their plugins. A broken package or plugin is reported in `failures`, never thrown:
 * one bad plugin does not take the server down.
 */
export async function loadPlugins(roots: string[], selection: PluginSelection): Promise<PluginLoadResult> {
  const result: PluginLoadResult = { plugins: [], failures: [], excluded: [] };
  const seen = new Set<string>();
  for (const found of await findPackages(roots)) {
    const real = await realpath(found.dir).catch(() => found.dir);
    if (seen.has(real)) continue;
    seen.add(real);
    await loadPackage(found, result, selection);
  }
  return result;
}

async function loadPackage(found: FoundPackage, result: PluginLoadResult, selection: PluginSelection): Promise<void> {
  const packageName = found.packageJson.name ?? found.dir;
  const declaration = parsePackageDeclaration(found.packageJson);
  if (!declaration.ok) {
    result.failures.push({ source: packageName, reason: declaration.errors.join('; ') });
    return;
  }
  for (const entry of declaration.declaration.plugins) {
    const file = resolve(found.dir, entry);
    if (!file.startsWith(resolve(found.dir) + sep)) {
      result.failures.push({ source: packageName, reason: `entry ${entry} is outside the package` });
      continue;
    }
    if (!existsSync(file)) {
      result.failures.push({ source: packageName, reason: `entry ${entry} does not exist (is the package built?)` });
      continue;
    }
    let exported: ItineraPlugin[];
    try {
      exported = pluginsFromModule((await import(pathToFileURL(file).href)) as Record<string, unknown>);
    } catch (error) {
      result.failures.push({ source: packageName, reason: `cannot load ${entry}: ${(error as Error).message}` });
      continue;
    }
    if (exported.length === 0) {
      result.failures.push({ source: packageName, reason: `${entry} exports no plugin` });
      continue;
    }
    for (const plugin of exported) {
      const id = `${packageName}/${plugin.manifest.id}`;
      const valid = validateManifest(plugin.manifest);
      if (!valid.ok) {
        result.failures.push({ source: id, reason: `invalid manifest: ${valid.errors.join('; ')}` });
      } else if (result.plugins.some((p) => p.id === id)) {
        result.failures.push({ source: id, reason: 'duplicate plugin id: the first one loaded is kept' });
      } else if (!selection.accepts(id)) {
        result.excluded.push(id);
      } else {
        result.plugins.push({ id, packageName, packageVersion: found.packageJson.version ?? '0.0.0', plugin });
      }
    }
  }
}

/** Packages with an `"itinera"` field, in each root (a node_modules folder or a folder of packages). */
async function findPackages(roots: string[]): Promise<FoundPackage[]> {
  const found: FoundPackage[] = [];
  for (const root of roots) {
    for (const dir of await packageDirs(root)) {
      const packageJson = await readFile(join(dir, 'package.json'), 'utf8').then(
        (text) => JSON.parse(text) as FoundPackage['packageJson'],
        () => undefined,
      );
      if (packageJson && (packageJson.itinera !== undefined || packageJson.keywords?.includes('itinera-plugin')))
        found.push({ dir, packageJson });
    }
  }
  return found.sort((a, b) => (a.packageJson.name ?? '').localeCompare(b.packageJson.name ?? ''));
}

async function packageDirs(root: string): Promise<string[]> {
  const entries = await readdir(root, { withFileTypes: true }).catch(() => []);
  const dirs: string[] = [];
  for (const entry of entries) {
    if (!entry.isDirectory() && !entry.isSymbolicLink()) continue;
    if (entry.name.startsWith('.')) continue;
    if (entry.name.startsWith('@')) {
      const scoped = await readdir(join(root, entry.name), { withFileTypes: true }).catch(() => []);
      dirs.push(...scoped.filter((s) => s.isDirectory() || s.isSymbolicLink()).map((s) => join(root, entry.name, s.name)));
    } else dirs.push(join(root, entry.name));
  }
  return dirs;
}
