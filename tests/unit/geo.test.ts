import { describe, expect, it } from 'vitest';
import { distanceM, pointInPolygon } from '../../src/domain/geo';
import type { Polygon } from '../../src/domain/entities';

describe('geo', () => {
  it('measures a known distance: 0.001° of latitude is about 111 m', () => {
    expect(distanceM(27.7, 106.93, 27.701, 106.93)).toBeCloseTo(111.2, 0);
    expect(distanceM(27.7, 106.93, 27.7, 106.93)).toBe(0);
  });

  it('tells inside from outside a polygon with a hole', () => {
    const square: Polygon = {
      type: 'Polygon',
      coordinates: [
        [[106.9, 27.7], [106.91, 27.7], [106.91, 27.71], [106.9, 27.71], [106.9, 27.7]],
        [[106.904, 27.704], [106.906, 27.704], [106.906, 27.706], [106.904, 27.706], [106.904, 27.704]],
      ],
    };
    expect(pointInPolygon(106.901, 27.701, square)).toBe(true);
    expect(pointInPolygon(106.905, 27.705, square)).toBe(false);
    expect(pointInPolygon(106.92, 27.705, square)).toBe(false);
  });
});
