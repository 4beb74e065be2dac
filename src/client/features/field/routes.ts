import type { RouteRecordRaw } from 'vue-router';
import FeaturePending from '../../components/FeaturePending.vue';
import { FIELD_ROLES } from '../../routing';
import FieldHome from './FieldHome.vue';
import { FIELD_TEXT } from './text';

const pending = FIELD_TEXT.pending;
const gw = ['grid_worker'] as const;
const bm = ['building_manager'] as const;

// The field home is in the entry chunk: it is what grid workers open first, often on a weak signal.
export const fieldRoutes: RouteRecordRaw[] = [
  { path: '/field', name: 'field', component: FieldHome, meta: { roles: FIELD_ROLES } },
  { path: '/field/tasks', name: 'field-tasks', component: FeaturePending, meta: { roles: gw, title: FIELD_TEXT.gridWorker.tasks, pending } },
  { path: '/field/map', name: 'field-map', component: FeaturePending, meta: { roles: gw, title: FIELD_TEXT.gridWorker.map, pending } },
  { path: '/field/ledger', name: 'field-ledger', component: FeaturePending, meta: { roles: gw, title: FIELD_TEXT.gridWorker.ledger, pending } },
  { path: '/field/sync', name: 'field-sync', component: FeaturePending, meta: { roles: FIELD_ROLES, title: FIELD_TEXT.gridWorker.sync, pending } },
  { path: '/field/places', name: 'field-places', component: FeaturePending, meta: { roles: bm, title: FIELD_TEXT.buildingManager.places, pending } },
  { path: '/field/self-check', name: 'field-self-check', component: FeaturePending, meta: { roles: bm, title: FIELD_TEXT.buildingManager.selfCheck, pending } },
  { path: '/field/report', name: 'field-report', component: FeaturePending, meta: { roles: bm, title: FIELD_TEXT.buildingManager.report, pending } },
  { path: '/field/reports', name: 'field-reports', component: FeaturePending, meta: { roles: bm, title: FIELD_TEXT.buildingManager.reports, pending } },
];
