import { describe, expect, it } from 'vitest';
import { distanceM } from '../../../src/domain/geo';
import { fromDisplay, toDisplay } from '../../../src/client/map/crs';
import {
  bboxOfPolygons,
  countTilesForBBox,
  latToTileY,
  lngToTileX,
  tilesForBBox,
  tileTemplate,
  tileUrl,
  type BBox,
} from '../../../src/client/map/tiles';
import { planTileDownload } from '../../../src/client/map/tileDownload';
import { squareGrid } from './fakes';

/** The centre of tile x/y at zoom z, from the inverse Web Mercator formulas. */
function tileCentre(z: number, x: number, y: number): [lng: number, lat: number] {
  const n = 2 ** z;
  const lng = ((x + 0.5) / n) * 360 - 180;
  const lat = (Math.atan(Math.sinh(Math.PI * (1 - (2 * (y + 0.5)) / n))) * 180) / Math.PI;
  return [lng, lat];
}

describe('slippy-map tile numbers', () => {
  it('matches known tiles', () => {
    expect([lngToTileX(0, 1), latToTileY(0, 1)]).toEqual([1, 1]);
    expect([lngToTileX(-180, 3), latToTileY(85.0511, 3)]).toEqual([0, 0]);
    expect([lngToTileX(179.9999, 3), latToTileY(-85.0511, 3)]).toEqual([7, 7]);
    // The demo county (27.70°N 106.93°E) at zoom 14 (computed independently with the OSM wiki formula).
    expect([lngToTileX(106.93, 14), latToTileY(27.7, 14)]).toEqual([13058, 6879]);
  });

  it('clamps beyond the Mercator limits', () => {
    expect(latToTileY(89.9, 4)).toBe(0);
    expect(latToTileY(-89.9, 4)).toBe(15);
  });

  it('covers a bbox of 3 × 2 tiles at zoom 14 with 780 tiles over zooms 14–18', () => {
    // From the centre of tile (13058, 6879) to the centre of (13060, 6880) at zoom 14.
    const [west, north] = tileCentre(14, 13058, 6879);
    const [east, south] = tileCentre(14, 13060, 6880);
    const bbox: BBox = { west, south, east, north };
    // Each zoom doubles the index span: 3×2, 5×3, 9×5, 17×9, 33×17.
    expect(countTilesForBBox(bbox, 14, 14)).toBe(6);
    expect(countTilesForBBox(bbox, 15, 15)).toBe(15);
    expect(countTilesForBBox(bbox, 18, 18)).toBe(561);
    expect(countTilesForBBox(bbox, 14, 18)).toBe(780);
    const tiles = tilesForBBox(bbox, 14, 18);
    expect(tiles).toHaveLength(780);
    expect(tiles.slice(0, 6)).toEqual([
      { z: 14, x: 13058, y: 6879 },
      { z: 14, x: 13059, y: 6879 },
      { z: 14, x: 13060, y: 6879 },
      { z: 14, x: 13058, y: 6880 },
      { z: 14, x: 13059, y: 6880 },
      { z: 14, x: 13060, y: 6880 },
    ]);
    expect(new Set(tiles.map((t) => `${t.z}/${t.x}/${t.y}`)).size).toBe(780);
  });
});

describe('tile URLs', () => {
  it('maps builtin and null', () => {
    expect(tileTemplate({ url: 'builtin' })).toBe('/tiles/{z}/{x}/{y}.png');
    expect(tileTemplate({ url: null })).toBeNull();
    expect(tileTemplate({ url: 'https://t.example.com/{z}/{x}/{y}.png' })).toBe('https://t.example.com/{z}/{x}/{y}.png');
  });

  it("expands a template like Leaflet, picking {s} by (x + y) mod subdomains", () => {
    expect(tileUrl('https://{s}.t.example.com/{z}/{x}/{y}{r}.png', { z: 3, x: 2, y: 5 })).toBe('https://b.t.example.com/3/2/5.png');
    expect(tileUrl('https://{s}.t.example.com/{z}/{x}/{y}.png', { z: 3, x: 1, y: 5 }, ['1', '2', '3', '4'])).toBe('https://3.t.example.com/3/1/5.png');
  });
});

describe('WGS-84 ↔ GCJ-02', () => {
  const points: Array<[number, number]> = [
    [106.93, 27.7],
    [116.3912, 39.9073],
    [121.4737, 31.2304],
    [113.2644, 23.1291],
    [87.6168, 43.8256],
  ];

  it.each(points)('round-trips (%f, %f) within 1 m', (lng, lat) => {
    const [gx, gy] = toDisplay(lng, lat, 'gcj02');
    // The shift itself is hundreds of metres: the conversion really ran.
    expect(distanceM(lat, lng, gy, gx)).toBeGreaterThan(100);
    const [wx, wy] = fromDisplay(gx, gy, 'gcj02');
    expect(distanceM(lat, lng, wy, wx)).toBeLessThan(1);
  });

  it('leaves WGS-84 tile sources alone', () => {
    expect(toDisplay(106.93, 27.7, 'wgs84')).toEqual([106.93, 27.7]);
    expect(fromDisplay(106.93, 27.7, 'wgs84')).toEqual([106.93, 27.7]);
  });
});

describe('planTileDownload', () => {
  const grid = squareGrid();
  const tiles = { url: 'builtin', attribution: '', crs: 'wgs84' as const, minZoom: 3, maxZoom: 19 };

  it('plans zooms 14–18 over the polygons with the tiles the map will request', () => {
    const plan = planTileDownload([grid], tiles)!;
    expect([plan.minZoom, plan.maxZoom]).toEqual([14, 18]);
    expect(plan.tiles).toHaveLength(countTilesForBBox(bboxOfPolygons([grid], 'wgs84')!, 14, 18));
    expect(plan.tiles[0]!.url).toMatch(/^\/tiles\/14\/\d+\/\d+\.png$/);
    expect(plan.tooLarge).toBe(false);
  });

  it('shifts the area to GCJ-02 for GCJ-02 sources', () => {
    const wgs = bboxOfPolygons([grid], 'wgs84')!;
    const gcj = bboxOfPolygons([grid], 'gcj02')!;
    expect(gcj.west).toBeGreaterThan(wgs.west);
    expect(gcj.south).toBeLessThan(wgs.south);
    const plan = planTileDownload([grid], { ...tiles, crs: 'gcj02' })!;
    const z18 = plan.tiles.filter((t) => t.z === 18);
    expect(Math.min(...z18.map((t) => t.x))).toBe(lngToTileX(gcj.west, 18));
    expect(Math.min(...z18.map((t) => t.y))).toBe(latToTileY(gcj.north, 18));
  });

  it('clips to the zooms the source serves, and has nothing to plan without tiles or area', () => {
    const plan = planTileDownload([grid], { ...tiles, maxZoom: 16 })!;
    expect(plan.maxZoom).toBe(16);
    expect(plan.tiles.every((t) => t.z <= 16)).toBe(true);
    expect(planTileDownload([grid], { ...tiles, url: null })).toBeNull();
    expect(planTileDownload([], tiles)).toBeNull();
  });
});
