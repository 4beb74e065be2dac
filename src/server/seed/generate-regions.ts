/**
 * The regions of 示范县: a 6 × 4 lattice of ~600 m cells around 27.70°N 106.93°E with jittered
 * (still convex) corners. Each cell is a grid; communities, townships and the county are the
 * exact unions of their cells, traced along the shared corners, so no two regions of one level overlap.
 */
import type { Polygon, Region } from '../../domain/entities';
import type { IdFactory, LngLat, Rng } from './generate-util';
import { pointInRing, round } from './generate-util';

export const COUNTY_CODE = '520399';
export const COLS = 6;
export const ROWS = 4;
const CELL_M = 600;
const CENTER_LAT = 27.7;
const CENTER_LNG = 106.93;
const D_LAT = CELL_M / 111_195;
const D_LNG = CELL_M / (111_195 * Math.cos((CENTER_LAT * Math.PI) / 180));

export interface TownshipDef {
  name: string;
  code: string;
  communities: { name: string; code: string }[];
}

export const TOWNSHIPS: TownshipDef[] = [
  {
    name: '城关镇',
    code: '520399100000',
    communities: [
      { name: '文化社区', code: '520399100001' },
      { name: '凤凰社区', code: '520399100002' },
      { name: '东门社区', code: '520399100003' },
    ],
  },
  {
    name: '南关街道',
    code: '520399001000',
    communities: [
      { name: '南关社区', code: '520399001001' },
      { name: '龙井社区', code: '520399001002' },
      { name: '新华社区', code: '520399001003' },
    ],
  },
  {
    name: '石桥镇',
    code: '520399101000',
    communities: [
      { name: '石桥社区', code: '520399101001' },
      { name: '桃园村', code: '520399101201' },
      { name: '青松村', code: '520399101202' },
    ],
  },
];

/** Community (0..2) of the g-th grid (0..7) of a township: sizes 3, 3, 2. */
function communityOfGridInTownship(g: number): number {
  return g < 3 ? 0 : g < 6 ? 1 : 2;
}

export interface GridInfo {
  /** 1..24 */
  number: number;
  region: Region;
  township: Region;
  community: Region;
  ring: LngLat[];
  /** Corners SW, SE, NE, NW of the (convex) cell. */
  corners: [LngLat, LngLat, LngLat, LngLat];
}

export interface RegionSet {
  county: Region;
  townships: Region[];
  communities: Region[];
  grids: GridInfo[];
  all: Region[];
}

type Cell = [col: number, row: number];

function traceUnion(cells: Cell[], corner: (i: number, j: number) => LngLat): Polygon {
  // Directed CCW edges of every cell between lattice points; edges shared by two cells cancel.
  const key = (i: number, j: number) => `${i},${j}`;
  const edges = new Map<string, string>();
  const all: [string, string][] = [];
  for (const [c, r] of cells) {
    const pts: [number, number][] = [
      [c, r],
      [c + 1, r],
      [c + 1, r + 1],
      [c, r + 1],
    ];
    for (let k = 0; k < 4; k++) {
      const a = pts[k]!;
      const b = pts[(k + 1) % 4]!;
      all.push([key(a[0], a[1]), key(b[0], b[1])]);
    }
  }
  const set = new Set(all.map(([a, b]) => `${a}>${b}`));
  for (const [a, b] of all) if (!set.has(`${b}>${a}`)) edges.set(a, b);
  const starts = [...edges.keys()].sort();
  const first = starts[0]!;
  const ring: LngLat[] = [];
  let cur = first;
  do {
    const [i, j] = cur.split(',').map(Number) as [number, number];
    ring.push(corner(i, j));
    const nxt = edges.get(cur);
    if (nxt === undefined) throw new Error('region union is not a simple ring');
    cur = nxt;
  } while (cur !== first && ring.length <= all.length);
  ring.push(ring[0]!);
  return { type: 'Polygon', coordinates: [ring] };
}

export function generateRegions(rng: Rng, ids: IdFactory): RegionSet {
  const lng0 = CENTER_LNG - (COLS / 2) * D_LNG;
  const lat0 = CENTER_LAT - (ROWS / 2) * D_LAT;
  // Lattice corners, jittered by up to 12 % of a cell: every cell stays a convex quadrilateral.
  const lattice: LngLat[][] = [];
  for (let i = 0; i <= COLS; i++) {
    const col: LngLat[] = [];
    for (let j = 0; j <= ROWS; j++) {
      const jl = rng.float(-0.12, 0.12) * D_LNG;
      const jt = rng.float(-0.12, 0.12) * D_LAT;
      col.push([round(lng0 + i * D_LNG + jl, 6), round(lat0 + j * D_LAT + jt, 6)]);
    }
    lattice.push(col);
  }
  const corner = (i: number, j: number): LngLat => lattice[i]![j]!;

  const allCells: Cell[] = [];
  for (let c = 0; c < COLS; c++) for (let r = 0; r < ROWS; r++) allCells.push([c, r]);

  const county: Region = {
    id: ids.next(),
    parentId: null,
    level: 'county',
    name: '示范县',
    code: COUNTY_CODE,
    boundary: traceUnion(allCells, corner),
  };
  const townships: Region[] = [];
  const communities: Region[] = [];
  const grids: GridInfo[] = [];

  TOWNSHIPS.forEach((t, ti) => {
    const cellOf = (g: number): Cell => [2 * ti + (g % 2), ROWS - 1 - Math.floor(g / 2)];
    const townshipCells = Array.from({ length: 8 }, (_, g) => cellOf(g));
    const township: Region = {
      id: ids.next(),
      parentId: county.id,
      level: 'township',
      name: t.name,
      code: t.code,
      boundary: traceUnion(townshipCells, corner),
    };
    townships.push(township);
    const comms = t.communities.map((c, ci): Region => {
      const cells = townshipCells.filter((_, g) => communityOfGridInTownship(g) === ci);
      return {
        id: ids.next(),
        parentId: township.id,
        level: 'community',
        name: c.name,
        code: c.code,
        boundary: traceUnion(cells, corner),
      };
    });
    communities.push(...comms);
    for (let g = 0; g < 8; g++) {
      const n = ti * 8 + g + 1;
      const nn = String(n).padStart(2, '0');
      const [c, r] = cellOf(g);
      const community = comms[communityOfGridInTownship(g)]!;
      const corners: [LngLat, LngLat, LngLat, LngLat] = [
        corner(c, r),
        corner(c + 1, r),
        corner(c + 1, r + 1),
        corner(c, r + 1),
      ];
      const ring: LngLat[] = [...corners, corners[0]];
      grids.push({
        number: n,
        township,
        community,
        ring,
        corners,
        region: {
          id: ids.next(),
          parentId: community.id,
          level: 'grid',
          name: `第${nn}网格`,
          code: `${community.code}${nn}`,
          boundary: { type: 'Polygon', coordinates: [ring] },
        },
      });
    }
  });

  return { county, townships, communities, grids, all: [county, ...townships, ...communities, ...grids.map((g) => g.region)] };
}

/**
 * A point strictly inside the grid cell: bilinear interpolation of the convex cell's corners with
 * u, v kept away from the edges, checked by point-in-polygon (retried in the unlikely other case).
 */
export function pointInGrid(rng: Rng, grid: GridInfo, margin = 0.08): { lat: number; lng: number } {
  const [sw, se, ne, nw] = grid.corners;
  for (let attempt = 0; attempt < 20; attempt++) {
    const u = rng.float(margin, 1 - margin);
    const v = rng.float(margin, 1 - margin);
    const lng = (1 - u) * (1 - v) * sw[0] + u * (1 - v) * se[0] + u * v * ne[0] + (1 - u) * v * nw[0];
    const lat = (1 - u) * (1 - v) * sw[1] + u * (1 - v) * se[1] + u * v * ne[1] + (1 - u) * v * nw[1];
    const p = { lat: round(lat, 6), lng: round(lng, 6) };
    if (pointInRing(p.lng, p.lat, grid.ring)) return p;
  }
  throw new Error(`could not place a point inside ${grid.region.name}`);
}
