import { describe, expect, it } from 'vitest';
import { fitWithin, MAX_LONG_EDGE } from '../../../src/client/photos/compress';

describe('fitWithin', () => {
  it('scales the long edge down to 1920 px and keeps the aspect ratio', () => {
    expect(fitWithin(4000, 3000)).toEqual({ width: 1920, height: 1440 });
    expect(fitWithin(3000, 4000)).toEqual({ width: 1440, height: 1920 });
    expect(fitWithin(4032, 1816)).toEqual({ width: 1920, height: 865 });
  });

  it('never scales up', () => {
    expect(fitWithin(1280, 960)).toEqual({ width: 1280, height: 960 });
    expect(fitWithin(MAX_LONG_EDGE, 10)).toEqual({ width: MAX_LONG_EDGE, height: 10 });
  });

  it('keeps at least one pixel on the short side', () => {
    expect(fitWithin(100_000, 10)).toEqual({ width: 1920, height: 1 });
  });

  it('honours another limit and refuses empty images', () => {
    expect(fitWithin(1000, 500, 200)).toEqual({ width: 200, height: 100 });
    expect(() => fitWithin(0, 100)).toThrow(RangeError);
  });
});
