import type { RouteRecordRaw } from 'vue-router';
import FeaturePending from '../../../components/FeaturePending.vue';
import { FIELD_ROLES } from '../../../routing';
import { FIELD_TEXT } from '../text';

/** Sync status and the unsent-data export. */
export const syncRoutes: RouteRecordRaw[] = [
  { path: '/field/sync', name: 'field-sync', component: FeaturePending, meta: { roles: FIELD_ROLES, title: FIELD_TEXT.gridWorker.sync, pending: FIELD_TEXT.pending } },
];
