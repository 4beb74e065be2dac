import type { RouteRecordRaw } from 'vue-router';
import FeaturePending from '../../../components/FeaturePending.vue';
import { FIELD_TEXT } from '../text';

const gw = ['grid_worker'] as const;
const pending = FIELD_TEXT.pending;

/** My work: today's tasks, the route map, place pages. */
export const workRoutes: RouteRecordRaw[] = [
  { path: '/field/tasks', name: 'field-tasks', component: FeaturePending, meta: { roles: gw, title: FIELD_TEXT.gridWorker.tasks, pending } },
  { path: '/field/map', name: 'field-map', component: FeaturePending, meta: { roles: gw, title: FIELD_TEXT.gridWorker.map, pending } },
];
