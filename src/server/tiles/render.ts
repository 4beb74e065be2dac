/**
 * The built-in map tiles (TILE_URL=builtin): a plain light background with a faint grid and a subtle
 * checker shade, so a county without a tile service still gets a pannable, distinguishable base map.
 */
import { encodePng } from './png';

export const TILE_SIZE = 256;
export const MAX_TILE_ZOOM = 19;

const BACKGROUND = [0xf4, 0xf2, 0xec] as const;
const SHADE = [0xec, 0xea, 0xe3] as const;
const GRID_LINE = [0xdc, 0xd9, 0xd0] as const;
const EDGE_LINE = [0xcf, 0xcb, 0xc0] as const;
const GRID_STEP = 32;

/** The tile depends only on its parity and zoom mod 4: eight PNGs, each drawn once. */
const drawn = new Map<string, Buffer>();

/** A 256×256 PNG for slippy-map tile z/x/y; the same arguments always give the same bytes. */
export function renderTile(z: number, x: number, y: number): Buffer {
  const parity = (x + y) % 2;
  const key = `${z % 4}:${parity}`;
  let png = drawn.get(key);
  if (!png) {
    png = draw(z % 4, parity);
    drawn.set(key, png);
  }
  return png;
}

function draw(zoomShade: number, parity: number): Buffer {
  const rgb = new Uint8Array(TILE_SIZE * TILE_SIZE * 3);
  // Checker by tile parity, plus a faint tint by zoom so neighbouring zooms are told apart.
  const base = parity === 0 ? BACKGROUND : SHADE;
  const tint = zoomShade * 2;
  for (let py = 0; py < TILE_SIZE; py++) {
    for (let px = 0; px < TILE_SIZE; px++) {
      const edge = px === 0 || py === 0;
      const grid = px % GRID_STEP === 0 || py % GRID_STEP === 0;
      const colour = edge ? EDGE_LINE : grid ? GRID_LINE : base;
      const i = (py * TILE_SIZE + px) * 3;
      rgb[i] = colour[0] - tint;
      rgb[i + 1] = colour[1];
      rgb[i + 2] = colour[2];
    }
  }
  return encodePng(TILE_SIZE, TILE_SIZE, rgb);
}
