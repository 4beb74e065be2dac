/**
 * `GET /api/config`: what the client needs to know about the deployment — the map's tile source and
 * the field rules' tunables. The server builds it from its config; the client keeps the last answer
 * for offline use.
 *
 * Deliberately zod-free: the client reads this module by value (defaults, the guard) from the map
 * chunk, and a zod schema here would pull zod into that chunk for one small object.
 */
import { DEFAULT_SHIFT_HOURS, isValidDate, TIME_RE, type ShiftHours, type VacationRange } from './calendar';
import { DEFAULT_MAX_VISIT_DISTANCE_M } from './geo';

/** Coordinate systems of tile sources: 天地图 and OSM are WGS-84; AMap and Tencent are GCJ-02. */
export const TILE_CRS = ['wgs84', 'gcj02'] as const;
export type TileCrs = (typeof TILE_CRS)[number];

export interface TileConfig {
  /**
   * A Leaflet URL template (`https://t{s}.example.com/{z}/{x}/{y}.png`), the server's built-in
   * tiles (`/tiles/{z}/{x}/{y}.png`; `builtin` is accepted as a synonym), or null: no base map,
   * boundaries and markers on a plain background.
   */
  url: string | null;
  attribution: string;
  crs: TileCrs;
  minZoom: number;
  maxZoom: number;
}

export interface AppConfig {
  tiles: TileConfig;
  /** Beyond this distance from the place a visit's position is flagged (SPEC §4.4). */
  visitMaxDistanceM: number;
  shiftHours: ShiftHours;
  /** The county's school vacations (寒暑假): a lesson inside one is suggested as a D1 violation. */
  vacations: VacationRange[];
}
/** The URL template of the server's built-in tiles (TILE_URL=builtin). */
export const BUILTIN_TILE_TEMPLATE = '/tiles/{z}/{x}/{y}.png';

/** What a device assumes before it has ever reached `/api/config`. */
export const DEFAULT_APP_CONFIG: AppConfig = {
  tiles: { url: null, attribution: '', crs: 'wgs84', minZoom: 3, maxZoom: 19 },
  visitMaxDistanceM: DEFAULT_MAX_VISIT_DISTANCE_M,
  shiftHours: DEFAULT_SHIFT_HOURS,
  vacations: [],
};

function isZoom(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 22;
}

/** The config if `value` has the contract's shape, else null. */
export function parseAppConfig(value: unknown): AppConfig | null {
  if (typeof value !== 'object' || value === null) return null;
  const { tiles, visitMaxDistanceM, shiftHours, vacations: rawVacations } = value as Partial<Record<keyof AppConfig, unknown>>;
  if (typeof tiles !== 'object' || tiles === null || typeof shiftHours !== 'object' || shiftHours === null) return null;
  const t = tiles as Partial<Record<keyof TileConfig, unknown>>;
  const s = shiftHours as Partial<Record<keyof ShiftHours, unknown>>;
  const valid =
    (t.url === null || (typeof t.url === 'string' && t.url.length > 0)) &&
    typeof t.attribution === 'string' &&
    TILE_CRS.includes(t.crs as TileCrs) &&
    isZoom(t.minZoom) &&
    isZoom(t.maxZoom) &&
    t.minZoom <= t.maxZoom &&
    typeof visitMaxDistanceM === 'number' &&
    visitMaxDistanceM > 0 &&
    typeof s.nightStart === 'string' &&
    TIME_RE.test(s.nightStart) &&
    typeof s.nightEnd === 'string' &&
    TIME_RE.test(s.nightEnd);
  if (!valid) return null;
  // Absent from configs stored before vacations existed: none, rather than discarding the rest.
  const vacations = rawVacations ?? [];
  if (!Array.isArray(vacations) || !vacations.every(isVacation)) return null;
  return {
    tiles: { url: t.url as string | null, attribution: t.attribution as string, crs: t.crs as TileCrs, minZoom: t.minZoom as number, maxZoom: t.maxZoom as number },
    visitMaxDistanceM,
    shiftHours: { nightStart: s.nightStart as string, nightEnd: s.nightEnd as string },
    vacations: vacations.map((v) => ({ start: v.start, end: v.end, name: v.name })),
  };
}

function isVacation(v: unknown): v is VacationRange {
  if (typeof v !== 'object' || v === null) return false;
  const r = v as Partial<Record<keyof VacationRange, unknown>>;
  return (
    typeof r.start === 'string' &&
    isValidDate(r.start) &&
    typeof r.end === 'string' &&
    isValidDate(r.end) &&
    r.start <= r.end &&
    typeof r.name === 'string' &&
    r.name.length > 0
  );
}

/**
 * The `VACATIONS` setting: `start..end name` ranges separated by `;` or new lines, dates inclusive,
 * e.g. `2026-07-04..2026-08-31 暑假; 2027-01-23..2027-02-21 寒假`. Throws naming the bad entry.
 */
export function parseVacations(text: string): VacationRange[] {
  const out: VacationRange[] = [];
  for (const part of text.split(/[;\n]/).map((p) => p.trim()).filter(Boolean)) {
    const m = /^(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})\s+(\S.*)$/.exec(part);
    const range = m ? { start: m[1]!, end: m[2]!, name: m[3]!.trim() } : null;
    if (!range || !isVacation(range))
      throw new Error(`"${part}" is not "YYYY-MM-DD..YYYY-MM-DD name" with start ≤ end`);
    out.push(range);
  }
  return out;
}
