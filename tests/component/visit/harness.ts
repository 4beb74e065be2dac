/** A signed-in field user's local database and a mounted view, for the visit and manager tests. */
import 'fake-indexeddb/auto';
import { mount, type VueWrapper } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import type { Component } from 'vue';
import { createMemoryHistory } from 'vue-router';
import type { Place, Region } from '../../../src/domain/entities';
import type { Role } from '../../../src/domain/enums';
import { openUserDb, type GridPatrolDB } from '../../../src/client/db/database';
import { createAppRouter } from '../../../src/client/router';
import { makePlace } from '../../factories';
import { meOf, storeSession, stubFetch, userOf } from '../fixtures';
import { dropUserDb, settle } from '../support';

export interface Field {
  db: GridPatrolDB;
  userId: string;
  township: Region;
  grid: Region;
  place: Place;
}

/** Signs in as `role` (offline: every request fails) and seeds the regions and one place. */
export async function fieldWorld(role: Role, placeOverrides: Partial<Place> = {}): Promise<Field> {
  storeSession(role, true);
  stubFetch(() => Promise.reject(new TypeError('Failed to fetch')));
  const me = meOf(role);
  const userId = me.user.id;
  const [county, township, community, grid] = me.regionPath.map(
    (r, i, all): Region => ({ id: r.id, parentId: i === 0 ? null : all[i - 1]!.id, level: r.level, name: r.name, code: r.code, boundary: null }),
  );
  // Every test starts from an empty device: the fixtures' user id is always the same.
  await dropUserDb(userId);
  const db = openUserDb(userId);
  await db.regions.bulkPut([county!, township!, community!, grid!]);
  const place = makePlace({
    gridId: grid!.id,
    name: '阳光大厦',
    kind: 'residential_building',
    lat: 27.7,
    lng: 106.93,
    managerIds: role === 'building_manager' ? [userOf(role).id] : [],
    ...placeOverrides,
  });
  await db.places.put(place);
  return { db, userId, township: township!, grid: grid!, place };
}

/** Mounts a view with a fresh Pinia and the real router (memory history) at `path`. */
export async function mountView(component: Component, props: Record<string, unknown>, path = '/field') {
  const pinia = createPinia();
  setActivePinia(pinia);
  const router = createAppRouter(createMemoryHistory());
  await router.push(path);
  const wrapper = mount(component as never, { props: props as never, global: { plugins: [pinia, router] }, attachTo: document.body }) as VueWrapper;
  await settle();
  return { wrapper, router, pinia };
}

/** A photo as the camera input hands it over; the tests' compressor passes it through. */
export function photoFile(content = 'jpeg-bytes'): File {
  return new File([content], 'photo.jpg', { type: 'image/jpeg' });
}

export const passThrough = (file: Blob): Promise<Blob> => Promise.resolve(file);
