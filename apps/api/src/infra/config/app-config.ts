import { plainToInstance, Transform } from 'class-transformer';
import { IsEmail, IsIn, IsInt, IsOptional, IsString, IsUrl, Matches, Max, Min, MinLength, validateSync } from 'class-validator';

export const ROLES = ['all', 'api', 'worker'] as const;
export type ProcessRole = (typeof ROLES)[number];
export const NODE_ENVS = ['development', 'production', 'test'] as const;

const DEVELOPMENT_SECRET = 'itinera-development-secret-not-for-production-use';

interface VariableMeta {
  description: string;
  secret?: boolean;
}

/** Every environment variable Itinera reads, with what it is for. The README's table mirrors this. */
export const CONFIG_VARIABLES: Record<string, VariableMeta> = {
  NODE_ENV: { description: '`development`, `production` or `test`.' },
  PORT: { description: 'HTTP port of the API and admin SPA.' },
  HOST: { description: 'Interface the HTTP server binds to.' },
  DATABASE_URL: { description: 'PostgreSQL connection URL; the database is created if missing.', secret: true },
  REDIS_URL: { description: 'Redis connection URL (BullMQ).', secret: true },
  REDIS_PREFIX: { description: 'Prefix of every Redis key Itinera writes.' },
  ITINERA_ROLE: { description: '`all` (API + worker), `api` or `worker`.' },
  ITINERA_SECRET: {
    description: 'Key for encrypting stored secrets (at least 32 characters). Required outside development.',
    secret: true,
  },
  ITINERA_PUBLIC_URL: { description: 'Public base URL of this deployment, used in printed and sent links.' },
  ITINERA_BOOTSTRAP_WRITE_KEY: { description: 'A write key that exists in the default workspace after start.', secret: true },
  ITINERA_BOOTSTRAP_SECRET_KEY: { description: 'A secret API key (owner) that exists in the default workspace after start.', secret: true },
  ITINERA_ADMIN_EMAIL: { description: 'E-mail of an owner of the default workspace that exists after start.' },
  ITINERA_ADMIN_PASSWORD: { description: 'Password of that owner (set or reset at every start).', secret: true },
  ITINERA_DEMO: { description: 'Seed a demo workspace on the first start (`true`/`false`).' },
  ITINERA_ADMIN_DIST: { description: 'Folder of the built admin SPA served at `/`.' },
  ITINERA_PLUGINS: { description: 'Allow/deny list of plugin ids (`<package>/<id>`, `*` wildcards, `!` denies), comma-separated.' },
  ITINERA_PLUGIN_PATHS: { description: 'Extra folders (comma-separated) holding plugin packages, besides node_modules.' },
  ITINERA_WORKER_CONCURRENCY: {
    description:
      'Jobs one worker process runs at once, per queue; for journeys, shared with the runs it advances as it enters or wakes them.',
  },
  ITINERA_SESSION_TTL_HOURS: { description: 'Lifetime of an admin login session.' },
  ITINERA_BODY_LIMIT: { description: 'Largest accepted JSON request body (e.g. `1mb`).' },
  ITINERA_LOGIN_ACCOUNT_ATTEMPTS: {
    description: 'Sign-in attempts per e-mail address per window; a success starts over. Then 429 until the window ends.',
  },
  ITINERA_LOGIN_ADDRESS_ATTEMPTS: {
    description: 'Sign-in attempts per client address per window, successful or not. Then 429 until the window ends.',
  },
  ITINERA_LOGIN_WINDOW_SECONDS: { description: 'Length of the sign-in limit windows.' },
  LOG_LEVEL: { description: '`fatal`, `error`, `warn`, `info`, `debug` or `trace`.' },
};

const toInt = ({ value }: { value: unknown }) => (value === undefined || value === '' ? undefined : Number(value));
const toBool = ({ value }: { value: unknown }) =>
  value === undefined || value === '' ? undefined : ['1', 'true', 'yes', 'on'].includes(String(value).toLowerCase());

/** The single validated configuration object. Built once by `loadConfig`; nothing else reads `process.env`. */
export class AppConfig {
  @IsIn(NODE_ENVS)
  NODE_ENV: (typeof NODE_ENVS)[number] = 'development';

  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT = 3000;

  @IsString()
  HOST = '0.0.0.0';

  @IsUrl({ protocols: ['postgres', 'postgresql'], require_tld: false, require_protocol: true })
  DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/itinera';

  @IsUrl({ protocols: ['redis', 'rediss'], require_tld: false, require_protocol: true })
  REDIS_URL = 'redis://127.0.0.1:6379';

  @Matches(/^[A-Za-z0-9_.:-]{1,64}$/, { message: 'REDIS_PREFIX must be 1-64 letters, digits or _.:-' })
  REDIS_PREFIX = 'itinera';

  @IsIn(ROLES)
  ITINERA_ROLE: ProcessRole = 'all';

  @IsOptional()
  @MinLength(32, { message: 'ITINERA_SECRET must be at least 32 characters long' })
  ITINERA_SECRET?: string;

  @IsOptional()
  @IsUrl({ require_tld: false, require_protocol: true })
  ITINERA_PUBLIC_URL?: string;

  @IsOptional()
  @Matches(/^itn_wk_[A-Za-z0-9]{16,}$/, {
    message: 'ITINERA_BOOTSTRAP_WRITE_KEY must look like itn_wk_ followed by at least 16 letters or digits',
  })
  ITINERA_BOOTSTRAP_WRITE_KEY?: string;

  @IsOptional()
  @Matches(/^itn_sk_[A-Za-z0-9]{16,}$/, {
    message: 'ITINERA_BOOTSTRAP_SECRET_KEY must look like itn_sk_ followed by at least 16 letters or digits',
  })
  ITINERA_BOOTSTRAP_SECRET_KEY?: string;

  @IsOptional()
  @IsEmail({ require_tld: false })
  ITINERA_ADMIN_EMAIL?: string;

  @IsOptional()
  @MinLength(8, { message: 'ITINERA_ADMIN_PASSWORD must be at least 8 characters long' })
  ITINERA_ADMIN_PASSWORD?: string;

  @IsOptional()
  @Transform(toBool)
  ITINERA_DEMO?: boolean;

  @IsOptional()
  @IsString()
  ITINERA_ADMIN_DIST?: string;

  @IsOptional()
  @IsString()
  ITINERA_PLUGINS?: string;

  @IsOptional()
  @IsString()
  ITINERA_PLUGIN_PATHS?: string;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(1000)
  ITINERA_WORKER_CONCURRENCY = 8;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(24 * 365)
  ITINERA_SESSION_TTL_HOURS = 168;

  @Matches(/^\d+(b|kb|mb)$/i, { message: 'ITINERA_BODY_LIMIT must be a size such as 512kb or 1mb' })
  ITINERA_BODY_LIMIT = '1mb';

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(10_000)
  ITINERA_LOGIN_ACCOUNT_ATTEMPTS = 10;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(100_000)
  ITINERA_LOGIN_ADDRESS_ATTEMPTS = 50;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(86_400)
  ITINERA_LOGIN_WINDOW_SECONDS = 900;

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL = 'info';

  get runsApi(): boolean {
    return this.ITINERA_ROLE !== 'worker';
  }

  get runsWorker(): boolean {
    return this.ITINERA_ROLE !== 'api';
  }

  get publicUrl(): string {
    return (this.ITINERA_PUBLIC_URL ?? `http://localhost:${this.PORT}`).replace(/\/$/, '');
  }

  /** Seeding the demo workspace is on by default in development only. */
  get seedsDemo(): boolean {
    return this.ITINERA_DEMO ?? this.NODE_ENV === 'development';
  }

  get encryptionSecret(): string {
    return this.ITINERA_SECRET ?? DEVELOPMENT_SECRET;
  }

  get usesDevelopmentSecret(): boolean {
    return this.ITINERA_SECRET === undefined;
  }
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Parses and validates the environment once; throws a ConfigError naming every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const known = Object.fromEntries(
    Object.keys(CONFIG_VARIABLES)
      .filter((name) => env[name] !== undefined && env[name] !== '')
      .map((name) => [name, env[name]]),
  );
  const config = plainToInstance(AppConfig, known);
  const problems = validateSync(config).flatMap((error) =>
    Object.values(error.constraints ?? {}).map((message) =>
      message.startsWith(error.property) ? message : `${error.property}: ${message}`,
    ),
  );
  if (config.NODE_ENV !== 'development' && config.NODE_ENV !== 'test' && !config.ITINERA_SECRET) {
    problems.push('ITINERA_SECRET is required when NODE_ENV is not development (at least 32 characters)');
  }
  if (Boolean(config.ITINERA_ADMIN_EMAIL) !== Boolean(config.ITINERA_ADMIN_PASSWORD)) {
    problems.push('ITINERA_ADMIN_EMAIL and ITINERA_ADMIN_PASSWORD must be set together');
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}
