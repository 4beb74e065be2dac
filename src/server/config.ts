/**
 * Server configuration, read from the environment once at boot and validated (STYLE: config validated
 * at boot). A bad value throws a ConfigError naming the variable.
 */
import path from 'node:path';
import { z } from 'zod';
import { DEFAULT_SHIFT_HOURS, TIME_RE, type ShiftHours, type VacationRange } from '../domain/calendar';
import { parseVacations, TILE_CRS, type TileCrs } from '../domain/config';
import { DEFAULT_MAX_VISIT_DISTANCE_M } from '../domain/geo';

const portSchema = z.coerce.number().int().min(1).max(65535);
const zoomSchema = z.coerce.number().int().min(0).max(22);
const hhmmSchema = z.string().regex(TIME_RE, 'must be HH:MM');

const envSchema = z.object({
  PORT: portSchema.default(8080),
  HOST: z.string().min(1).default('0.0.0.0'),
  DATA_DIR: z.string().min(1).default('./data'),
  /** Directory of a built PWA to serve instead of dist/client (served as is, never rebuilt). */
  CLIENT_DIR: z.string().min(1).optional(),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
    .optional(),
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  SESSION_TTL_HOURS: z.coerce.number().int().min(1).max(24 * 365).default(720),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).optional(),
  /** `builtin`: the server's own generated tiles; a URL template; unset: no base map. */
  TILE_URL: z
    .union([z.literal('builtin'), z.url({ message: 'must be builtin or a URL template' })])
    .optional(),
  TILE_CRS: z.enum(TILE_CRS).default('wgs84'),
  TILE_ATTRIBUTION: z.string().max(300).default(''),
  TILE_MIN_ZOOM: zoomSchema.default(3),
  TILE_MAX_ZOOM: zoomSchema.default(19),
  /**
   * Pulls served at once; the others wait their turn. Pulls are bulk downloads: unbounded, they hold
   * the database connections and the event loop while pushes — a worker's findings — queue behind them.
   */
  SYNC_PULL_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(2),
  VISIT_MAX_DISTANCE_M: z.coerce.number().int().min(10).max(10_000).default(DEFAULT_MAX_VISIT_DISTANCE_M),
  NIGHT_START: hhmmSchema.default(DEFAULT_SHIFT_HOURS.nightStart),
  NIGHT_END: hhmmSchema.default(DEFAULT_SHIFT_HOURS.nightEnd),
  /** The county's school vacations, `YYYY-MM-DD..YYYY-MM-DD name` separated by `;`. */
  VACATIONS: z
    .string()
    .default('')
    .transform((text, ctx) => {
      try {
        return parseVacations(text);
      } catch (error) {
        ctx.addIssue({ code: 'custom', message: (error as Error).message });
        return z.NEVER;
      }
    }),
});

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  /** Unset: dist/client, rebuilt at start when the client sources are newer. */
  clientDir?: string | undefined;
  /** Unset: embedded PGlite persisted at `dataDir/pg`. */
  databaseUrl: string | undefined;
  nodeEnv: 'development' | 'production' | 'test';
  sessionTtlHours: number;
  logLevel: string | undefined;
  tileUrl: string | undefined;
  tileCrs: TileCrs;
  tileAttribution: string;
  tileMinZoom: number;
  tileMaxZoom: number;
  visitMaxDistanceM: number;
  /** Pulls served at once (SYNC_PULL_CONCURRENCY). */
  syncPullConcurrency: number;
  shiftHours: ShiftHours;
  vacations: VacationRange[];
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
  if (e.TILE_MIN_ZOOM > e.TILE_MAX_ZOOM) throw new ConfigError('TILE_MIN_ZOOM', 'must not exceed TILE_MAX_ZOOM');
  return {
    port: e.PORT,
    host: e.HOST,
    dataDir: path.resolve(e.DATA_DIR),
    clientDir: e.CLIENT_DIR === undefined ? undefined : path.resolve(e.CLIENT_DIR),
    databaseUrl: e.DATABASE_URL,
    nodeEnv: e.NODE_ENV,
    sessionTtlHours: e.SESSION_TTL_HOURS,
    logLevel: e.LOG_LEVEL,
    tileUrl: e.TILE_URL,
    tileCrs: e.TILE_CRS,
    tileAttribution: e.TILE_ATTRIBUTION,
    tileMinZoom: e.TILE_MIN_ZOOM,
    tileMaxZoom: e.TILE_MAX_ZOOM,
    visitMaxDistanceM: e.VISIT_MAX_DISTANCE_M,
    syncPullConcurrency: e.SYNC_PULL_CONCURRENCY,
    shiftHours: { nightStart: e.NIGHT_START, nightEnd: e.NIGHT_END },
    vacations: e.VACATIONS,
  };
}
