/**
 * Display coordinates. Everything the app stores is WGS-84 (GPS); tile sources licensed in China
 * (AMap, Tencent) are drawn in GCJ-02, so geometry is shifted for display only, never for storage.
 */
import gcoord from 'gcoord';
import type { TileCrs } from '../../domain/config';

export type LngLatTuple = [lng: number, lat: number];

/** WGS-84 → the tile source's system. */
export function toDisplay(lng: number, lat: number, crs: TileCrs): LngLatTuple {
  if (crs === 'wgs84') return [lng, lat];
  const [x, y] = gcoord.transform<[number, number]>([lng, lat], gcoord.WGS84, gcoord.GCJ02);
  return [x, y];
}

/** The tile source's system → WGS-84 (e.g. a point picked on a GCJ-02 map). */
export function fromDisplay(lng: number, lat: number, crs: TileCrs): LngLatTuple {
  if (crs === 'wgs84') return [lng, lat];
  const [x, y] = gcoord.transform<[number, number]>([lng, lat], gcoord.GCJ02, gcoord.WGS84);
  return [x, y];
}
