/**
 * Deterministic building blocks of the demo county generator: a seeded PRNG (sfc32), UUID-shaped
 * ids drawn from it, Asia/Shanghai timestamps and plane geometry on [lng, lat] rings.
 */

/** 32-bit string hash (FNV-1a) used to derive independent PRNG streams from one seed. */
export function hash32(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** sfc32 seeded through splitmix32; `fork(label)` gives an independent, reproducible stream. */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(
    readonly seed: number,
    readonly label = '',
  ) {
    let s = (seed ^ hash32(label)) >>> 0;
    const next = () => {
      s = (s + 0x9e3779b9) | 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x21f0aaad);
      z = Math.imul(z ^ (z >>> 15), 0x735a2d97);
      return (z ^ (z >>> 15)) >>> 0;
    };
    this.a = next();
    this.b = next();
    this.c = next();
    this.d = next();
    for (let i = 0; i < 12; i++) this.u32();
  }

  fork(label: string): Rng {
    return new Rng(this.seed, `${this.label}/${label}`);
  }

  u32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** [0, 1) */
  next(): number {
    return this.u32() / 4294967296;
  }

  /** Integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  float(min: number, max: number): number {
    return min + this.next() * (max - min);
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick from an empty list');
    return items[Math.floor(this.next() * items.length)]!;
  }

  /** Picks a key of `weights` with probability proportional to its weight. */
  weighted<K extends string>(weights: Readonly<Record<K, number>>): K {
    const entries = Object.entries(weights) as [K, number][];
    const total = entries.reduce((s, [, w]) => s + w, 0);
    let r = this.next() * total;
    for (const [k, w] of entries) {
      r -= w;
      if (r < 0) return k;
    }
    return entries[entries.length - 1]![0];
  }

  shuffle<T>(items: readonly T[]): T[] {
    const out = [...items];
    for (let i = out.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      [out[i], out[j]] = [out[j]!, out[i]!];
    }
    return out;
  }

  sample<T>(items: readonly T[], n: number): T[] {
    return this.shuffle(items).slice(0, Math.min(n, items.length));
  }

  hex(bytes: number): string {
    let s = '';
    for (let i = 0; i < bytes; i++) s += HEX[this.u32() & 0xff];
    return s;
  }

  digits(n: number): string {
    let s = '';
    for (let i = 0; i < n; i++) s += String(this.u32() % 10);
    return s;
  }
}

/**
 * UUIDv7-shaped ids: a 48-bit millisecond prefix (strictly increasing from `baseMs`, so ids sort
 * in creation order), version nibble 7, RFC 9562 variant, the rest from the PRNG.
 */
export class IdFactory {
  private ms: number;

  constructor(
    private readonly rng: Rng,
    baseMs: number,
  ) {
    this.ms = baseMs;
  }

  next(): string {
    const bytes = new Uint8Array(16);
    let ms = this.ms++;
    for (let i = 5; i >= 0; i--) {
      bytes[i] = ms % 256;
      ms = Math.floor(ms / 256);
    }
    for (let i = 6; i < 16; i++) bytes[i] = this.rng.u32() & 0xff;
    bytes[6] = (bytes[6]! & 0x0f) | 0x70;
    bytes[8] = (bytes[8]! & 0x3f) | 0x80;
    const h = Array.from(bytes, (b) => HEX[b]!).join('');
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }
}

// ---------------------------------------------------------------------------------------------
// Time: the business time zone is Asia/Shanghai (+08:00, no DST).

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;
const OFFSET = 8 * HOUR;

/** The instant of 00:00 Asia/Shanghai on the day of `at`. */
export function shanghaiMidnight(at: Date): number {
  const local = at.getTime() + OFFSET;
  return local - (((local % DAY) + DAY) % DAY) - OFFSET;
}

/**
 * An instant as `Date.prototype.toISOString()` writes it (UTC, whole seconds), the form the domain
 * helpers (`addDays`, `deadlineFor`) and the client use, so hashed visits survive a round trip.
 */
export function iso(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString();
}

/** `YYYY-MM-DD` of the Shanghai day of `ms`. */
export function localDate(ms: number): string {
  return new Date(ms + OFFSET).toISOString().slice(0, 10);
}

/** `1月3日` */
export function monthDay(ms: number): string {
  const d = new Date(ms + OFFSET);
  return `${d.getUTCMonth() + 1}月${d.getUTCDate()}日`;
}

// ---------------------------------------------------------------------------------------------
// Geometry on [lng, lat] pairs.

export type LngLat = [number, number];

export { distanceM, pointInRing } from '../../domain/geo';

export function round(n: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}
