/**
 * Slippy-map tile arithmetic (Web Mercator, 256 px tiles, y from the north) and URL templates in
 * Leaflet's syntax, so a downloaded tile lands under exactly the URL Leaflet later asks for.
 */
import type { Polygon } from '../../domain/entities';
import type { TileConfig, TileCrs } from '../../domain/config';
import { BUILTIN_TILE_TEMPLATE } from '../../domain/config';
import { toDisplay } from './crs';

export interface TileCoord {
  z: number;
  x: number;
  y: number;
}

export interface BBox {
  west: number;
  south: number;
  east: number;
  north: number;
}

/** Web Mercator's latitude limit: tiles do not exist beyond it. */
const MAX_LAT = 85.05112878;

/** Leaflet's default `subdomains` for `{s}`. */
export const DEFAULT_SUBDOMAINS = ['a', 'b', 'c'] as const;

export function lngToTileX(lng: number, z: number): number {
  const n = 2 ** z;
  return Math.min(n - 1, Math.max(0, Math.floor(((lng + 180) / 360) * n)));
}

export function latToTileY(lat: number, z: number): number {
  const n = 2 ** z;
  const rad = (Math.max(-MAX_LAT, Math.min(MAX_LAT, lat)) * Math.PI) / 180;
  const y = Math.floor(((1 - Math.log(Math.tan(rad) + 1 / Math.cos(rad)) / Math.PI) / 2) * n);
  return Math.min(n - 1, Math.max(0, y));
}

/** The bounding box of polygons' outer rings, in the tile source's coordinate system. */
export function bboxOfPolygons(polygons: readonly Polygon[], crs: TileCrs): BBox | null {
  let box: BBox | null = null;
  for (const polygon of polygons) {
    for (const [lng, lat] of polygon.coordinates[0] ?? []) {
      const [x, y] = toDisplay(lng, lat, crs);
      box = box
        ? { west: Math.min(box.west, x), south: Math.min(box.south, y), east: Math.max(box.east, x), north: Math.max(box.north, y) }
        : { west: x, south: y, east: x, north: y };
    }
  }
  return box;
}

/** Every tile covering `bbox` at each zoom in [minZoom, maxZoom], zoom by zoom, row by row. */
export function tilesForBBox(bbox: BBox, minZoom: number, maxZoom: number): TileCoord[] {
  const tiles: TileCoord[] = [];
  for (let z = minZoom; z <= maxZoom; z++) {
    const [x0, x1] = [lngToTileX(bbox.west, z), lngToTileX(bbox.east, z)];
    const [y0, y1] = [latToTileY(bbox.north, z), latToTileY(bbox.south, z)];
    for (let y = y0; y <= y1; y++) for (let x = x0; x <= x1; x++) tiles.push({ z, x, y });
  }
  return tiles;
}

/** How many tiles `tilesForBBox` would return, without building the list. */
export function countTilesForBBox(bbox: BBox, minZoom: number, maxZoom: number): number {
  let count = 0;
  for (let z = minZoom; z <= maxZoom; z++) {
    const w = lngToTileX(bbox.east, z) - lngToTileX(bbox.west, z) + 1;
    const h = latToTileY(bbox.south, z) - latToTileY(bbox.north, z) + 1;
    count += w * h;
  }
  return count;
}

/** The Leaflet URL template for a tile config: `builtin` means the server's own tiles. */
export function tileTemplate(tiles: Pick<TileConfig, 'url'>): string | null {
  if (tiles.url === null) return null;
  return tiles.url === 'builtin' ? BUILTIN_TILE_TEMPLATE : tiles.url;
}

/** Expands a template as Leaflet's TileLayer does (`{s}` picked by (x + y) mod subdomains, `{r}` empty). */
export function tileUrl(template: string, tile: TileCoord, subdomains: readonly string[] = DEFAULT_SUBDOMAINS): string {
  const s = subdomains[Math.abs(tile.x + tile.y) % subdomains.length] ?? '';
  return template
    .replace(/\{s\}/g, s)
    .replace(/\{z\}/g, String(tile.z))
    .replace(/\{x\}/g, String(tile.x))
    .replace(/\{y\}/g, String(tile.y))
    .replace(/\{r\}/g, '');
}
