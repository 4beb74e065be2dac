import type { RouteRecordRaw } from 'vue-router';
// Static: the placeholder is tiny and already in the entry chunk for the field routes.
import FeaturePending from '../../components/FeaturePending.vue';
import { COUNTY_TEXT } from './text';

const roles = ['county_admin'] as const;
const pending = COUNTY_TEXT.pending;

// Lazy: the county office (and later ECharts) stays out of the field app's first load.
export const countyRoutes: RouteRecordRaw[] = [
  { path: '/county', name: 'county', component: () => import('./CountyHome.vue'), meta: { roles } },
  { path: '/county/dashboard', name: 'county-dashboard', component: FeaturePending, meta: { roles, title: COUNTY_TEXT.dashboard, pending } },
  { path: '/county/exports', name: 'county-exports', component: FeaturePending, meta: { roles, title: COUNTY_TEXT.exports, pending } },
  { path: '/county/users', name: 'county-users', component: FeaturePending, meta: { roles, title: COUNTY_TEXT.users, pending } },
  { path: '/county/checklists', name: 'county-checklists', component: FeaturePending, meta: { roles, title: COUNTY_TEXT.checklists, pending } },
];
