/**
 * Server configuration, read from the environment once at boot and validated (STYLE: config validated
 * at boot). A bad value throws a ConfigError naming the variable.
 */
import path from 'node:path';
import { z } from 'zod';

const portSchema = z.coerce.number().int().min(1).max(65535);

const envSchema = z.object({
  PORT: portSchema.default(8080),
  HOST: z.string().min(1).default('0.0.0.0'),
  DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
    .optional(),
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  SESSION_TTL_HOURS: z.coerce.number().int().min(1).max(24 * 365).default(720),
  TILE_URL: z.url().optional(),
});

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  /** Unset: embedded PGlite persisted at `dataDir/pg`. */
  databaseUrl: string | undefined;
  nodeEnv: 'development' | 'production' | 'test';
  sessionTtlHours: number;
  tileUrl: string | undefined;
}

export class ConfigError extends Error {
  constructor(readonly variable: string, problem: string) {
    super(`Invalid configuration: ${variable} ${problem}`);
    this.name = 'ConfigError';
  }
}

/** Empty strings count as unset, as shells and .env files tend to produce them. */
function clean(env: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined && v !== '') out[k] = v;
  return out;
}

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = envSchema.safeParse(clean(env));
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const variable = String(issue.path[0] ?? 'environment');
    const value = env[variable];
    // A database URL may carry a password: never echo it.
    const shown = value === undefined || variable === 'DATABASE_URL' ? '' : ` (got ${JSON.stringify(value)})`;
    throw new ConfigError(variable, `${issue.message}${shown}`);
  }
  const e = parsed.data;
  return {
    port: e.PORT,
    host: e.HOST,
    dataDir: path.resolve(e.DATA_DIR),
    databaseUrl: e.DATABASE_URL,
    nodeEnv: e.NODE_ENV,
    sessionTtlHours: e.SESSION_TTL_HOURS,
    tileUrl: e.TILE_URL,
  };
}
