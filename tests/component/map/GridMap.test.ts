/** GridMap draws with Leaflet (loaded lazily) in happy-dom: boundaries, numbered risk markers, position. */
import { flushPromises, mount } from '@vue/test-utils';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { TileConfig } from '../../../src/domain/config';
import GridMap from '../../../src/client/map/GridMap.vue';
import type { MapPlace } from '../../../src/client/map/leafletMap';
import { squareGrid } from './fakes';

const grid = squareGrid();
const places: MapPlace[] = [
  { id: 'p2', name: '阳光公寓 3 栋', lng: 106.93, lat: 27.7, riskLevel: 'medium', order: 2 },
  { id: 'p1', name: '书香培训中心', lng: 106.928, lat: 27.698, riskLevel: 'high', order: 1 },
  { id: 'p3', name: '便民托管点', lng: 106.932, lat: 27.702, riskLevel: 'low', order: null },
];
const noTiles: TileConfig = { url: null, attribution: '', crs: 'wgs84', minZoom: 3, maxZoom: 19 };

type Success = (p: { coords: { longitude: number; latitude: number; accuracy: number } }) => void;
let onPosition: Success | null;
const clearWatch = vi.fn();

beforeEach(() => {
  onPosition = null;
  Object.defineProperty(navigator, 'geolocation', {
    configurable: true,
    value: {
      watchPosition: (success: Success) => {
        onPosition = success;
        return 7;
      },
      clearWatch,
    },
  });
});

afterEach(() => {
  delete (navigator as { geolocation?: unknown }).geolocation;
});

async function mountMap(tiles: TileConfig = noTiles) {
  const wrapper = mount(GridMap, { props: { boundaries: [grid], places, tiles }, attachTo: document.body });
  await vi.waitFor(() => expect(wrapper.find('.leaflet-container').exists()).toBe(true));
  await flushPromises();
  return wrapper;
}

describe('GridMap', () => {
  it('draws markers numbered in route order and coloured by risk, on a plain background without tiles', async () => {
    const wrapper = await mountMap();
    const markers = wrapper.findAll('.gp-marker');
    expect(markers).toHaveLength(3);
    const numbered = markers.filter((m) => m.text() !== '');
    expect(numbered.map((m) => [m.text(), m.classes().find((c) => c.startsWith('gp-marker--'))])).toEqual([
      ['1', 'gp-marker--high'],
      ['2', 'gp-marker--medium'],
    ]);
    expect(wrapper.find('.gp-marker--off-route').exists()).toBe(true);
    expect(wrapper.find('.leaflet-container').classes()).toContain('gp-map--plain');
    expect(wrapper.find('.leaflet-tile-pane img').exists()).toBe(false);
    expect(wrapper.findAll('path.gp-boundary')).toHaveLength(1);
  });

  it('emits the place when its marker is clicked', async () => {
    const wrapper = await mountMap();
    const first = wrapper.findAll('.gp-marker').find((m) => m.text() === '1')!;
    await first.trigger('click');
    expect(wrapper.emitted('select')).toEqual([['p1']]);
  });

  it("shows the user's position with an accuracy circle and stops watching on unmount", async () => {
    const wrapper = await mountMap();
    expect(onPosition).not.toBeNull();
    onPosition!({ coords: { longitude: 106.931, latitude: 27.701, accuracy: 35 } });
    await flushPromises();
    expect(wrapper.find('.gp-me').exists()).toBe(true);
    expect(wrapper.find('path.gp-accuracy').exists()).toBe(true);
    wrapper.unmount();
    expect(clearWatch).toHaveBeenCalledWith(7);
  });

  it('adds a tile layer on the built-in tiles', async () => {
    const wrapper = await mountMap({ ...noTiles, url: 'builtin' });
    expect(wrapper.find('.leaflet-container').classes()).not.toContain('gp-map--plain');
    await vi.waitFor(() => expect(wrapper.find('.leaflet-tile-pane img').exists()).toBe(true));
    expect(wrapper.find('.leaflet-tile-pane img').attributes('src')).toMatch(/^\/tiles\/\d+\/\d+\/\d+\.png$/);
  });
});
