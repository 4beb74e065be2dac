import type { RouteLocationNormalized, RouteRecordRaw } from 'vue-router';
import { FIELD_ROLES } from '../../../routing';

const gw = ['grid_worker'] as const;

function q(route: RouteLocationNormalized, name: string): string | null {
  const v = route.query[name];
  return typeof v === 'string' && v !== '' ? v : null;
}

/** The visit form (inspection and correction) and visit pages; lazy so they stay out of the entry chunk. */
export const visitRoutes: RouteRecordRaw[] = [
  {
    // Linked from tasks and place pages: /field/visit/new?placeId=…&taskId=… (no taskId: ad hoc).
    path: '/field/visit/new',
    name: 'field-visit-new',
    component: () => import('./VisitNew.vue'),
    props: (route) => ({ placeId: q(route, 'placeId'), taskId: q(route, 'taskId'), amends: q(route, 'amends'), from: q(route, 'from') }),
    meta: { roles: gw },
  },
  {
    // ?saved=1: just saved by the form, which replaced its own address with this one (receipt shown).
    path: '/field/visits/:id',
    name: 'field-visit',
    component: () => import('./VisitShow.vue'),
    props: (route) => ({ id: String(route.params.id), saved: q(route, 'saved') === '1', from: q(route, 'from') }),
    meta: { roles: FIELD_ROLES },
  },
];
