import type { RouteRecordRaw } from 'vue-router';
import FeaturePending from '../../../components/FeaturePending.vue';
import { FIELD_TEXT } from '../text';

const bm = ['building_manager'] as const;
const pending = FIELD_TEXT.pending;

/** The building manager's places, self-check, suspicion reports. */
export const managerRoutes: RouteRecordRaw[] = [
  { path: '/field/places', name: 'field-places', component: FeaturePending, meta: { roles: bm, title: FIELD_TEXT.buildingManager.places, pending } },
  { path: '/field/self-check', name: 'field-self-check', component: FeaturePending, meta: { roles: bm, title: FIELD_TEXT.buildingManager.selfCheck, pending } },
  { path: '/field/report', name: 'field-report', component: FeaturePending, meta: { roles: bm, title: FIELD_TEXT.buildingManager.report, pending } },
  { path: '/field/reports', name: 'field-reports', component: FeaturePending, meta: { roles: bm, title: FIELD_TEXT.buildingManager.reports, pending } },
];
