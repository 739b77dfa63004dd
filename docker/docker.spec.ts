// Checks the deployment files in docker/ against Itinera's configuration, by parsing them:
// the compose file, the Dockerfile and the Helm chart must only use environment variables the
// app reads, with values it accepts, on the port it listens on, running the entry files the API
// build produces. No Docker engine or Helm binary is needed.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, posix, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, parseAllDocuments } from 'yaml';
import { CONFIG_VARIABLES, loadConfig } from '../apps/api/src/infra/config/app-config.js';

const DOCKER_DIR = dirname(fileURLToPath(import.meta.url));
const REPO_ROOT = resolve(DOCKER_DIR, '..');
const CHART_DIR = join(DOCKER_DIR, 'helm', 'itinera');

const MAIN_ENTRY = 'apps/api/dist/main.js';
const MIGRATE_ENTRY = 'apps/api/dist/cli/migrate.js';
const MIGRATE_COMMAND = `node ${MIGRATE_ENTRY}`;
const ITINERA_SERVICES = ['migrations', 'api', 'worker'] as const;
const TEST_SECRET = 'docker-spec-secret-0123456789abcdefghijklmnop';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

const read = (...parts: string[]) => readFileSync(join(...parts), 'utf8');
const isObject = (value: unknown): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value);
const unknownVariables = (names: Iterable<string>) => [...new Set(names)].filter((name) => !(name in CONFIG_VARIABLES)).sort();

// ---------------------------------------------------------------------------------------------
// Compose: variable interpolation as `docker compose` does it on the host environment.
// ---------------------------------------------------------------------------------------------

/** Applies compose interpolation: `$$`, `$VAR`, `${VAR}`, `${VAR:-default}`, `${VAR-default}`, `${VAR:?error}`, `${VAR?error}`. */
function interpolate(text: string, hostEnv: Record<string, string | undefined>): string {
  return text.replace(
    /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g,
    (match, braced: string | undefined, operator: string | undefined, argument: string | undefined, bare: string | undefined) => {
      if (match === '$$') return '$';
      const name = (braced ?? bare)!;
      const value = hostEnv[name];
      const missing = operator?.startsWith(':') ? value === undefined || value === '' : value === undefined;
      if (!operator || !missing) return value ?? '';
      if (operator.endsWith('?')) throw new Error(`required variable ${name} is missing a value: ${argument}`);
      return argument ?? '';
    },
  );
}

/** A service's `environment` (map or list form) after interpolation. */
function serviceEnvironment(service: JsonObject, hostEnv: Record<string, string | undefined>): Record<string, string> {
  const environment = service.environment ?? {};
  const entries: [string, string][] = Array.isArray(environment)
    ? environment.map((item) => {
        const [name, ...rest] = String(item).split('=');
        return [name, rest.join('=')];
      })
    : Object.entries(environment as JsonObject).map(([name, value]) => [name, value === null ? '' : String(value)]);
  return Object.fromEntries(entries.map(([name, value]) => [name, interpolate(value, hostEnv)]));
}

/** The container side of a `ports` entry: "3000:3000", "127.0.0.1:3000:3000/tcp" or `{ target: 3000 }`. */
function containerPort(entry: Json): number {
  if (isObject(entry)) return Number(entry.target);
  return Number(String(entry).split('/')[0].split(':').at(-1));
}

// ---------------------------------------------------------------------------------------------
// Dockerfile: instructions grouped by stage.
// ---------------------------------------------------------------------------------------------

interface Instruction {
  keyword: string;
  args: string;
}

interface Stage {
  from: string;
  name?: string;
  instructions: Instruction[];
}

/** Splits a Dockerfile into stages of instructions (comments dropped, `\` continuations joined). */
function parseDockerfile(text: string): { args: Record<string, string>; stages: Stage[] } {
  const logical: string[] = [];
  let pending = '';
  for (const line of text.split('\n')) {
    if (/^\s*#/.test(line)) continue; // Docker drops comment lines, even inside a continuation.
    if (/\\\s*$/.test(line)) {
      pending += line.replace(/\\\s*$/, ' ');
      continue;
    }
    const full = (pending + line).trim();
    pending = '';
    if (full) logical.push(full);
  }
  const args: Record<string, string> = {};
  const stages: Stage[] = [];
  for (const line of logical) {
    const [, keyword, rest] = /^(\S+)\s*([\s\S]*)$/.exec(line)!;
    const instruction = { keyword: keyword.toUpperCase(), args: rest.replace(/\s+/g, ' ').trim() };
    if (instruction.keyword === 'FROM') {
      const [image, as, name] = instruction.args.split(' ');
      const from = image.replace(/\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?/g, (_, arg: string) => args[arg] ?? '');
      stages.push({ from, name: as?.toUpperCase() === 'AS' ? name : undefined, instructions: [] });
    } else if (instruction.keyword === 'ARG' && stages.length === 0) {
      const [name, value = ''] = instruction.args.split('=');
      args[name] = value;
    } else {
      stages.at(-1)?.instructions.push(instruction);
    }
  }
  return { args, stages };
}

/** `ENV A=1 B="two words"` (or the legacy `ENV A 1`) as a record. */
function envOf(stage: Stage): Record<string, string> {
  const env: Record<string, string> = {};
  for (const { args } of stage.instructions.filter((i) => i.keyword === 'ENV')) {
    if (!args.includes('=')) {
      const [name, ...value] = args.split(' ');
      env[name] = value.join(' ');
      continue;
    }
    for (const [, name, quoted, plain] of args.matchAll(/([A-Za-z_][A-Za-z0-9_]*)=(?:"([^"]*)"|(\S*))/g)) {
      env[name] = quoted ?? plain;
    }
  }
  return env;
}

const argsOf = (stage: Stage, keyword: string) => stage.instructions.filter((i) => i.keyword === keyword).map((i) => i.args);

// ---------------------------------------------------------------------------------------------
// Helm: turning a template into YAML that can be parsed without Helm.
// ---------------------------------------------------------------------------------------------

interface TemplateYaml {
  /** The parsed documents (empty ones left out). */
  documents: Json[];
  /** YAML errors, if the text left after removing the template actions is not YAML. */
  errors: string[];
  /** Turns the placeholders in a parsed string back into the `{{ action }}` they stand for. */
  expand(value: Json | undefined): string;
}

const PLACEHOLDER = /__tpl_(\d+)__/g;
const isPlaceholder = (text: string) => /__tpl_\d+__/.test(text);

/**
 * Reads a Helm template as YAML, without rendering it:
 *  1. `{{/* comments *\/}}` are removed (they may span lines);
 *  2. a line holding nothing but one action (`{{- if … }}`, `{{- end }}`, `{{- with … }}`,
 *     `{{- range … }}`, `{{- include … | nindent 4 }}`, `{{- toYaml … }}`, `{{- $x := … }}`) is
 *     dropped: such lines are control flow or emit whole blocks, and carry no YAML structure;
 *  3. every other action becomes a placeholder `__tpl_N__`, which is a valid plain scalar
 *     wherever the action stood (a key, a value, inside a quoted string).
 * Both branches of an `if` survive, so templates must not repeat a key across branches.
 */
function templateToYaml(template: string): TemplateYaml {
  const actions: string[] = [];
  const withoutComments = template.replace(/\{\{-?\s*\/\*[\s\S]*?\*\/\s*-?\}\}/g, '');
  const lines = withoutComments
    .split('\n')
    .filter((line) => !/^\s*\{\{(?:(?!\{\{)[\s\S])*\}\}\s*$/.test(line))
    .map((line) =>
      line.replace(/\{\{-?\s*([\s\S]*?)\s*-?\}\}/g, (_, action: string) => {
        actions.push(action.trim());
        return `__tpl_${actions.length - 1}__`;
      }),
    );
  const parsed = parseAllDocuments(lines.join('\n'));
  const documents = Array.isArray(parsed) ? parsed : [parsed];
  return {
    documents: documents.map((doc) => doc.toJS() as Json).filter((doc) => doc !== null),
    errors: documents.flatMap((doc) => doc.errors.map((error) => error.message)),
    expand: (value) => String(value ?? '').replace(PLACEHOLDER, (_, index: string) => `{{ ${actions[Number(index)]} }}`),
  };
}

/** The value of a `{{ .Values.a.b | int }}` action (pipes `int`, `quote`, `toString` applied), from values.yaml. */
function resolveValuesAction(action: string, values: JsonObject): Json | undefined {
  const match = /^\{\{\s*\$?\.Values((?:\.[A-Za-z_][A-Za-z0-9_]*)+)\s*((?:\|\s*\w+\s*)*)\}\}$/.exec(action.trim());
  if (!match) return undefined;
  let value: Json | undefined = values;
  for (const key of match[1].slice(1).split('.')) value = isObject(value) ? value[key] : undefined;
  for (const pipe of match[2]
    .split('|')
    .map((p) => p.trim())
    .filter(Boolean)) {
    if (pipe === 'int') value = Number(value);
    else if (pipe === 'quote' || pipe === 'toString') value = String(value);
    else return undefined;
  }
  return value;
}

/** Every object anywhere inside a parsed document. */
function* objectsIn(value: Json): Generator<JsonObject> {
  if (Array.isArray(value)) for (const item of value) yield* objectsIn(item);
  else if (isObject(value)) {
    yield value;
    for (const item of Object.values(value)) yield* objectsIn(item);
  }
}

const get = (value: Json | undefined, path: string): Json | undefined =>
  path.split('.').reduce<Json | undefined>((current, key) => {
    if (Array.isArray(current)) return current[Number(key)];
    return isObject(current) ? current[key] : undefined;
  }, value);

// ---------------------------------------------------------------------------------------------

const imageEnvFromDockerfile = () => envOf(parseDockerfile(read(DOCKER_DIR, 'Dockerfile')).stages.at(-1)!);

describe('docker/compose.yaml', () => {
  const compose = parse(read(DOCKER_DIR, 'compose.yaml'), { merge: true }) as JsonObject;
  const services = compose.services as JsonObject;
  const service = (name: string) => services[name] as JsonObject;
  const hostEnv = { ITINERA_SECRET: TEST_SECRET };
  const defaultPort = loadConfig({}).PORT;

  it('defines postgres, redis, migrations, api and worker', () => {
    expect(Object.keys(services)).toEqual(expect.arrayContaining(['postgres', 'redis', 'migrations', 'api', 'worker']));
  });

  it('builds every Itinera service from docker/Dockerfile with the repository root as context', () => {
    for (const name of ITINERA_SERVICES) {
      const build = service(name).build as JsonObject;
      expect(resolve(DOCKER_DIR, String(build.context))).toBe(REPO_ROOT);
      expect(build.dockerfile).toBe('docker/Dockerfile');
      expect(existsSync(join(REPO_ROOT, String(build.dockerfile)))).toBe(true);
    }
  });

  it('uses only environment variables that Itinera reads', () => {
    for (const name of ITINERA_SERVICES) {
      expect({ service: name, unknown: unknownVariables(Object.keys(serviceEnvironment(service(name), hostEnv))) }).toEqual({
        service: name,
        unknown: [],
      });
    }
  });

  it('refuses to start without ITINERA_SECRET', () => {
    expect(() => serviceEnvironment(service('api'), {})).toThrow(/set ITINERA_SECRET/);
  });

  it('gives each service an environment that loadConfig accepts, with the intended role', () => {
    const imageEnv = imageEnvFromDockerfile();
    const expectedRoles = { migrations: imageEnv.ITINERA_ROLE, api: 'api', worker: 'worker' };
    for (const name of ITINERA_SERVICES) {
      const env = { ...imageEnv, ...serviceEnvironment(service(name), hostEnv) };
      const config = loadConfig(env);
      expect({ service: name, role: config.ITINERA_ROLE }).toEqual({ service: name, role: expectedRoles[name] });
      expect(config.NODE_ENV).toBe('production');
      expect(config.ITINERA_SECRET).toBe(TEST_SECRET);
    }
    // The optional owner account, when given on the host, passes validation too.
    const withAdmin = { ...hostEnv, ITINERA_ADMIN_EMAIL: 'owner@example.com', ITINERA_ADMIN_PASSWORD: 'correct-horse-battery' };
    expect(loadConfig({ ...imageEnv, ...serviceEnvironment(service('api'), withAdmin) }).ITINERA_ADMIN_EMAIL).toBe('owner@example.com');
  });

  it("publishes the API's default PORT, which the Dockerfile EXPOSEs", () => {
    const ports = (service('api').ports as Json[]).map(containerPort);
    const exposed = argsOf(parseDockerfile(read(DOCKER_DIR, 'Dockerfile')).stages.at(-1)!, 'EXPOSE').map((p) => Number(p.split('/')[0]));
    expect(defaultPort).toBe(3000);
    expect(ports).toEqual([defaultPort]);
    expect(exposed).toEqual([defaultPort]);
  });

  it('runs the migrations first, then api and worker on healthy PostgreSQL and Redis', () => {
    expect((service('migrations').command as Json[]).join(' ')).toBe(MIGRATE_COMMAND);
    expect(get(service('migrations'), 'depends_on.postgres.condition')).toBe('service_healthy');
    for (const name of ['api', 'worker']) {
      expect(get(service(name), 'depends_on.migrations.condition')).toBe('service_completed_successfully');
      expect(get(service(name), 'depends_on.redis.condition')).toBe('service_healthy');
    }
    expect(get(service('postgres'), 'healthcheck.test')).toEqual(expect.arrayContaining([expect.stringContaining('pg_isready')]));
    expect(get(service('redis'), 'healthcheck.test')).toBeDefined();
    expect(service('postgres').image).toBe('postgres:15');
    expect(service('redis').image).toBe('redis:7');
  });

  it('runs Redis with maxmemory-policy noeviction, as BullMQ requires', () => {
    const command = service('redis').command;
    expect((Array.isArray(command) ? command.join(' ') : String(command)).replace(/\s+/g, ' ')).toContain('--maxmemory-policy noeviction');
  });
});

describe('docker/Dockerfile', () => {
  const { stages } = parseDockerfile(read(DOCKER_DIR, 'Dockerfile'));
  const build = stages.find((stage) => stage.name === 'build')!;
  const runtime = stages.at(-1)!;
  const rootPackage = JSON.parse(read(REPO_ROOT, 'package.json')) as { version: string; devDependencies: Record<string, string> };

  it('builds in a "build" stage and runs from a separate, last stage', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    expect(build).toBeDefined();
    expect(runtime).not.toBe(build);
  });

  it("uses the Node major version the project pins (devDependency 'node')", () => {
    const nodeMajor = rootPackage.devDependencies.node.replace(/^\D*/, '').split('.')[0];
    for (const stage of stages) expect(stage.from).toBe(`node:${nodeMajor}-bookworm-slim`);
  });

  it('installs, builds every project (api, admin, libraries, plugins), then prunes development dependencies', () => {
    const runs = argsOf(build, 'RUN').join('\n');
    const order = ['npm ci', 'nx run-many -t build', 'npm prune --omit=dev'].map((step) => runs.indexOf(step));
    expect(order.every((index) => index >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    // The projects named there are the workspaces' package names, each with a build script.
    for (const app of ['api', 'admin']) {
      const manifest = JSON.parse(read(REPO_ROOT, 'apps', app, 'package.json')) as { name: string; scripts: Record<string, string> };
      expect(manifest.name).toBe(`@itinera/${app}`);
      expect(manifest.scripts.build).toBeDefined();
    }
  });

  it('sets only Itinera variables, with values loadConfig accepts once ITINERA_SECRET is supplied', () => {
    const env = envOf(runtime);
    expect(unknownVariables(Object.keys(env))).toEqual([]);
    expect(env).toMatchObject({ NODE_ENV: 'production', ITINERA_ROLE: 'all' });
    const config = loadConfig({ ...env, ITINERA_SECRET: TEST_SECRET });
    expect(config.PORT).toBe(loadConfig({}).PORT);
    expect(argsOf(runtime, 'EXPOSE')).toEqual([String(config.PORT)]);
  });

  it('runs as a non-root user', () => {
    const users = argsOf(runtime, 'USER');
    expect(users.length).toBeGreaterThan(0);
    expect(users.at(-1)!.split(':')[0]).not.toMatch(/^(root|0)$/);
  });

  it('starts apps/api/dist/main.js and ships apps/api/dist (with cli/migrate.js) and the admin SPA', () => {
    const workdir = argsOf(runtime, 'WORKDIR').at(-1)!;
    const cmd = JSON.parse(argsOf(runtime, 'CMD').at(-1)!) as string[];
    expect(cmd).toEqual(['node', MAIN_ENTRY]);
    const copied = argsOf(runtime, 'COPY').map((args) => args.split(' ').at(-1)!.replace(/^\.\//, '').replace(/\/$/, ''));
    for (const entry of [MAIN_ENTRY, MIGRATE_ENTRY]) {
      expect(copied.some((target) => entry.startsWith(`${target}/`))).toBe(true);
    }
    expect(copied).toEqual(expect.arrayContaining(['node_modules', 'package.json', 'apps/api/package.json', 'apps/admin/dist']));
    expect(envOf(runtime).ITINERA_ADMIN_DIST).toBe(posix.join(workdir, 'apps/admin/dist'));
  });

  it('checks /healthz with node (slim images have no curl)', () => {
    const healthcheck = argsOf(runtime, 'HEALTHCHECK').join(' ');
    expect(healthcheck).toContain('/healthz');
    expect(healthcheck).toMatch(/"node", "-e"/);
    expect(healthcheck).toContain('fetch(');
  });

  it('keeps node_modules, dist, .nx and .git out of the build context', () => {
    const patterns = read(DOCKER_DIR, 'Dockerfile.dockerignore')
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line && !line.startsWith('#'))
      .map((line) => line.replace(/^\*\*\//, ''));
    expect(patterns).toEqual(expect.arrayContaining(['node_modules', 'dist', '.nx', '.git']));
  });
});

describe('apps/api build output used by the images', () => {
  // The api's build (tsconfig.build.json, extending tsconfig.json) compiles src/ into dist/, so each entry has a source file.
  const readConfig = (file: string) =>
    JSON.parse(read(REPO_ROOT, file).replace(/^\s*\/\/.*$/gm, '')) as { compilerOptions: Partial<{ rootDir: string; outDir: string }> };
  const tsconfig = {
    compilerOptions: {
      ...readConfig('apps/api/tsconfig.json').compilerOptions,
      ...readConfig('apps/api/tsconfig.build.json').compilerOptions,
    } as {
      rootDir: string;
      outDir: string;
    },
  };
  const sourceOf = (entry: string) =>
    entry.replace(`apps/api/${tsconfig.compilerOptions.outDir}/`, `apps/api/${tsconfig.compilerOptions.rootDir}/`).replace(/\.js$/, '.ts');

  it.each([MAIN_ENTRY, MIGRATE_ENTRY])('%s is compiled from a source file of the api', (entry) => {
    expect(sourceOf(entry)).not.toBe(entry);
    expect(existsSync(join(REPO_ROOT, sourceOf(entry)))).toBe(true);
  });

  it("matches the api package's main", () => {
    const manifest = JSON.parse(read(REPO_ROOT, 'apps/api/package.json')) as { main: string };
    expect(posix.join('apps/api', manifest.main)).toBe(MAIN_ENTRY);
  });
});

describe('docker/helm/itinera', () => {
  const chart = parse(read(CHART_DIR, 'Chart.yaml')) as JsonObject;
  const values = parse(read(CHART_DIR, 'values.yaml')) as JsonObject;
  const templateFiles = readdirSync(join(CHART_DIR, 'templates')).filter((file) => file.endsWith('.yaml'));
  const templates = Object.fromEntries(templateFiles.map((file) => [file, templateToYaml(read(CHART_DIR, 'templates', file))]));
  const kindIn = (file: string, kind: string) => templates[file].documents.find((doc) => get(doc, 'kind') === kind)!;
  const resolvePort = (file: string, value: Json | undefined) => {
    const text = templates[file].expand(value);
    return /^\d+$/.test(text) ? Number(text) : resolveValuesAction(text, values);
  };

  const apiDeployment = () => kindIn('deployment-api.yaml', 'Deployment');
  const workerDeployment = () => kindIn('deployment-worker.yaml', 'Deployment');
  const container = (deployment: Json) => get(deployment, 'spec.template.spec.containers.0') as JsonObject;
  const envValue = (c: JsonObject, name: string) => ((c.env ?? []) as JsonObject[]).find((entry) => entry.name === name)?.value;

  it('has a v2 Chart.yaml whose appVersion is the project version', () => {
    const rootPackage = JSON.parse(read(REPO_ROOT, 'package.json')) as { version: string };
    expect(chart).toMatchObject({ apiVersion: 'v2', name: 'itinera', type: 'application' });
    expect(chart.appVersion).toBe(rootPackage.version);
  });

  it('has every expected template', () => {
    expect(templateFiles.sort()).toEqual(
      expect.arrayContaining([
        'configmap.yaml',
        'secret.yaml',
        'deployment-api.yaml',
        'deployment-worker.yaml',
        'service.yaml',
        'ingress.yaml',
        'hpa-worker.yaml',
        'job-migrate.yaml',
      ]),
    );
    expect(existsSync(join(CHART_DIR, 'templates', '_helpers.tpl'))).toBe(true);
    expect(existsSync(join(CHART_DIR, 'templates', 'NOTES.txt'))).toBe(true);
  });

  it.each(templateFiles)('templates/%s is YAML once its template actions are set aside', (file) => {
    expect(templates[file].errors).toEqual([]);
    expect(templates[file].documents.length).toBeGreaterThan(0);
    for (const doc of templates[file].documents) {
      expect(get(doc, 'apiVersion')).toBeTruthy();
      expect(get(doc, 'kind')).toBeTruthy();
    }
  });

  it('refers only to values that values.yaml defines, and only to helpers _helpers.tpl defines', () => {
    const sources = [...templateFiles, '_helpers.tpl', 'NOTES.txt'].map((file) => read(CHART_DIR, 'templates', file)).join('\n');
    const missingValues = [...sources.matchAll(/\$?\.Values((?:\.[A-Za-z_][A-Za-z0-9_]*)+)/g)]
      .map((match) => match[1].slice(1))
      .filter((path) => {
        const keys = path.split('.');
        const parent = get(values, keys.slice(0, -1).join('.')) ?? (keys.length === 1 ? values : undefined);
        return !isObject(parent) || !(keys.at(-1)! in parent);
      });
    expect([...new Set(missingValues)]).toEqual([]);
    const defined = new Set([...read(CHART_DIR, 'templates', '_helpers.tpl').matchAll(/define "([^"]+)"/g)].map((m) => m[1]));
    const included = new Set([...sources.matchAll(/include "([^"]+)"/g)].map((m) => m[1]));
    expect([...included].filter((name) => !defined.has(name))).toEqual([]);
  });

  it('lists only Itinera variables under config and secrets, and keeps secret ones out of the ConfigMap', () => {
    const config = values.config as JsonObject;
    const secrets = values.secrets as JsonObject;
    expect(unknownVariables(Object.keys(config))).toEqual([]);
    expect(unknownVariables(Object.keys(secrets))).toEqual([]);
    expect(Object.keys(config).filter((name) => CONFIG_VARIABLES[name]?.secret)).toEqual([]);
    expect(Object.keys(secrets)).toEqual(
      expect.arrayContaining(['ITINERA_SECRET', 'DATABASE_URL', 'REDIS_URL', 'ITINERA_ADMIN_EMAIL', 'ITINERA_ADMIN_PASSWORD']),
    );
    // The ConfigMap and the Secret are filled from exactly these two maps.
    expect(read(CHART_DIR, 'templates', 'configmap.yaml')).toContain('range $key, $value := .Values.config');
    expect(read(CHART_DIR, 'templates', '_helpers.tpl')).toContain('range $key, $value := .Values.secrets');
  });

  it('names only Itinera variables in the env lists of its templates', () => {
    const names: string[] = [];
    for (const template of Object.values(templates)) {
      for (const object of template.documents.flatMap((doc) => [...objectsIn(doc)])) {
        if (!Array.isArray(object.env)) continue;
        for (const entry of object.env as JsonObject[]) {
          const name = String(entry.name);
          // A placeholder name comes from ranging over .Values.config, checked above.
          if (!isPlaceholder(name)) names.push(name);
        }
      }
    }
    expect(names.length).toBeGreaterThan(0);
    expect(unknownVariables(names)).toEqual([]);
  });

  it('configures containers that loadConfig accepts for each role', () => {
    const env = {
      ...imageEnvFromDockerfile(),
      ...(values.config as Record<string, string>),
      ITINERA_SECRET: TEST_SECRET,
      DATABASE_URL: 'postgres://itinera:password@postgres.example.internal:5432/itinera',
      REDIS_URL: 'redis://:password@redis.example.internal:6379',
    };
    const stringEnv = Object.fromEntries(Object.entries(env).map(([name, value]) => [name, String(value ?? '')]));
    for (const [deployment, role] of [
      [apiDeployment(), 'api'],
      [workerDeployment(), 'worker'],
    ] as const) {
      expect(envValue(container(deployment), 'ITINERA_ROLE')).toBe(role);
      expect(loadConfig({ ...stringEnv, ITINERA_ROLE: role }).ITINERA_ROLE).toBe(role);
    }
  });

  it('listens on port 3000: the API containerPort, the Service targetPort and the config agree', () => {
    const api = container(apiDeployment());
    const ports = api.ports as JsonObject[];
    expect(ports).toHaveLength(1);
    const containerPortValue = resolvePort('deployment-api.yaml', ports[0].containerPort);
    expect(containerPortValue).toBe(3000);
    expect(Number((values.config as JsonObject).PORT)).toBe(loadConfig({}).PORT);
    expect(resolveValuesAction('{{ .Values.service.port }}', values)).toBe(3000);

    const service = kindIn('service.yaml', 'Service');
    const servicePort = get(service, 'spec.ports.0') as JsonObject;
    expect(resolvePort('service.yaml', servicePort.port)).toBe(3000);
    // targetPort is a number (or a .Values reference) or the name of the API container's port.
    const target = servicePort.targetPort;
    const targetNumber =
      typeof target === 'string' && /^[a-z][a-z0-9-]*$/.test(target)
        ? resolvePort('deployment-api.yaml', ports.find((port) => port.name === target)?.containerPort)
        : resolvePort('service.yaml', target);
    expect(targetNumber).toBe(3000);
    expect((get(service, 'spec.selector') as JsonObject)['app.kubernetes.io/component']).toBe('api');
  });

  it('probes the API on /readyz and /healthz', () => {
    const api = container(apiDeployment());
    expect(get(api, 'readinessProbe.httpGet.path')).toBe('/readyz');
    expect(get(api, 'livenessProbe.httpGet.path')).toBe('/healthz');
  });

  it('gives the worker time to drain in-flight jobs on SIGTERM', () => {
    const grace = templates['deployment-worker.yaml'].expand(get(workerDeployment(), 'spec.template.spec.terminationGracePeriodSeconds'));
    expect(resolveValuesAction(grace, values)).toBe(60);
  });

  it('feeds both deployments from the ConfigMap and the Secret', () => {
    const configMapName = templates['configmap.yaml'].expand(get(kindIn('configmap.yaml', 'ConfigMap'), 'metadata.name'));
    const secretName = templates['secret.yaml'].expand(get(kindIn('secret.yaml', 'Secret'), 'metadata.name'));
    for (const file of ['deployment-api.yaml', 'deployment-worker.yaml']) {
      const envFrom = container(kindIn(file, 'Deployment')).envFrom as JsonObject[];
      const refs = envFrom.map((source) => templates[file].expand(get(source, 'configMapRef.name') ?? get(source, 'secretRef.name')));
      expect({ file, refs }).toEqual({ file, refs: expect.arrayContaining([configMapName, secretName]) });
    }
  });

  it('scales the worker deployment with an autoscaling/v2 HPA', () => {
    const hpa = kindIn('hpa-worker.yaml', 'HorizontalPodAutoscaler');
    expect(get(hpa, 'apiVersion')).toBe('autoscaling/v2');
    expect(get(hpa, 'spec.scaleTargetRef.kind')).toBe('Deployment');
    expect(templates['hpa-worker.yaml'].expand(get(hpa, 'spec.scaleTargetRef.name'))).toBe(
      templates['deployment-worker.yaml'].expand(get(workerDeployment(), 'metadata.name')),
    );
    expect(Object.keys(get(values, 'worker.autoscaling') as JsonObject).sort()).toEqual(
      ['enabled', 'maxReplicas', 'minReplicas', 'targetCPUUtilizationPercentage'].sort(),
    );
  });

  it('migrates in a pre-install/pre-upgrade hook Job that runs the migrate entry', () => {
    const job = kindIn('job-migrate.yaml', 'Job');
    const hooks = String((get(job, 'metadata.annotations') as JsonObject)['helm.sh/hook']);
    expect(hooks.split(',').sort()).toEqual(['pre-install', 'pre-upgrade']);
    const migrate = get(job, 'spec.template.spec.containers.0') as JsonObject;
    expect((migrate.command as Json[]).join(' ')).toBe(MIGRATE_COMMAND);
    expect(get(migrate, 'envFrom.0.secretRef.name')).toBeDefined();
    // The hook Secret it reads (when the chart manages secrets) is created before it.
    const hookSecret = kindIn('job-migrate.yaml', 'Secret');
    if (hookSecret) {
      const weight = (doc: Json) => Number((get(doc, 'metadata.annotations') as JsonObject)['helm.sh/hook-weight'] ?? 0);
      expect(weight(hookSecret)).toBeLessThan(weight(job));
      expect(templates['job-migrate.yaml'].expand(get(hookSecret, 'metadata.name'))).toBe(
        templates['job-migrate.yaml'].expand(get(migrate, 'envFrom.0.secretRef.name')),
      );
    }
  });
});
