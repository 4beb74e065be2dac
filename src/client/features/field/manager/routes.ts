import type { RouteLocationNormalized, RouteRecordRaw } from 'vue-router';

const bm = ['building_manager'] as const;

function q(route: RouteLocationNormalized, name: string): string | null {
  const v = route.query[name];
  return typeof v === 'string' && v !== '' ? v : null;
}

/** The building manager's places, self-check, suspicion reports; lazy so they stay out of the entry chunk. */
export const managerRoutes: RouteRecordRaw[] = [
  { path: '/field/places', name: 'field-places', component: () => import('./PlaceList.vue'), meta: { roles: bm } },
  {
    path: '/field/my-places/:id',
    name: 'field-my-place',
    component: () => import('./PlaceShow.vue'),
    props: true,
    meta: { roles: bm },
  },
  {
    // The visit form in self-check mode: section K only, no task, nothing covert.
    path: '/field/self-check',
    name: 'field-self-check',
    component: () => import('../visit/VisitNew.vue'),
    props: (route) => ({ selfCheck: true, placeId: q(route, 'placeId'), amends: q(route, 'amends'), from: q(route, 'from') }),
    meta: { roles: bm },
  },
  {
    path: '/field/report',
    name: 'field-report',
    component: () => import('./CaseNew.vue'),
    props: (route) => ({ placeId: q(route, 'placeId') }),
    meta: { roles: bm },
  },
  { path: '/field/reports', name: 'field-reports', component: () => import('./CaseList.vue'), meta: { roles: bm } },
];
