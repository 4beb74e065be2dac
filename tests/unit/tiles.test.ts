import { inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { crc32, encodePng, PNG_SIGNATURE } from '../../src/server/tiles/png';
import { renderTile, TILE_SIZE } from '../../src/server/tiles/render';

interface Chunk {
  type: string;
  data: Buffer;
  crc: number;
}

function readChunks(png: Buffer): Chunk[] {
  const chunks: Chunk[] = [];
  let at = PNG_SIGNATURE.length;
  while (at < png.length) {
    const length = png.readUInt32BE(at);
    const type = png.toString('ascii', at + 4, at + 8);
    const data = png.subarray(at + 8, at + 8 + length);
    chunks.push({ type, data, crc: png.readUInt32BE(at + 8 + length) });
    at += 12 + length;
  }
  return chunks;
}

describe('crc32', () => {
  it('matches the standard check value', () => {
    expect(crc32(Buffer.from('123456789', 'ascii'))).toBe(0xcbf43926);
    expect(crc32(new Uint8Array(0))).toBe(0);
  });
});

describe('encodePng', () => {
  const rgb = new Uint8Array([255, 0, 0, 0, 255, 0, 0, 0, 255, 10, 20, 30, 40, 50, 60, 70, 80, 90]);
  const png = encodePng(3, 2, rgb);

  it('starts with the PNG signature and has IHDR, IDAT, IEND in order', () => {
    expect(png.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
    expect(readChunks(png).map((c) => c.type)).toEqual(['IHDR', 'IDAT', 'IEND']);
  });

  it('writes the dimensions and 8-bit truecolour into IHDR', () => {
    const ihdr = readChunks(png)[0]!.data;
    expect(ihdr.readUInt32BE(0)).toBe(3);
    expect(ihdr.readUInt32BE(4)).toBe(2);
    expect([...ihdr.subarray(8)]).toEqual([8, 2, 0, 0, 0]);
  });

  it('gives every chunk a valid CRC over its type and data', () => {
    for (const c of readChunks(png)) {
      expect(c.crc).toBe(crc32(Buffer.concat([Buffer.from(c.type, 'ascii'), c.data])));
    }
  });

  it('stores scanlines that inflate back to the pixels, each with filter byte 0', () => {
    const raw = inflateSync(readChunks(png)[1]!.data);
    expect(raw.length).toBe(2 * (1 + 3 * 3));
    expect(raw[0]).toBe(0);
    expect([...raw.subarray(1, 10)]).toEqual([...rgb.subarray(0, 9)]);
    expect(raw[10]).toBe(0);
    expect([...raw.subarray(11)]).toEqual([...rgb.subarray(9)]);
  });

  it('rejects a pixel buffer of the wrong size', () => {
    expect(() => encodePng(2, 2, new Uint8Array(5))).toThrow(RangeError);
  });
});

describe('renderTile', () => {
  it('is a 256×256 PNG that decodes', () => {
    const png = renderTile(15, 26_120, 13_740);
    const [ihdr, idat] = readChunks(png);
    expect(ihdr!.data.readUInt32BE(0)).toBe(TILE_SIZE);
    expect(ihdr!.data.readUInt32BE(4)).toBe(TILE_SIZE);
    expect(inflateSync(idat!.data).length).toBe(TILE_SIZE * (1 + TILE_SIZE * 3));
  });

  it('is deterministic, and neighbouring tiles differ', () => {
    expect(renderTile(3, 1, 2).equals(renderTile(3, 1, 2))).toBe(true);
    expect(renderTile(3, 1, 2).equals(renderTile(3, 2, 2))).toBe(false);
  });
});
