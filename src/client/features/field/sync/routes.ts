import type { RouteRecordRaw } from 'vue-router';
import { FIELD_ROLES } from '../../../routing';
import { SYNC_PAGE_TEXT } from './text';

/** Sync status and the unsent-data export (grid workers and building managers). */
export const syncRoutes: RouteRecordRaw[] = [
  {
    path: '/field/sync',
    name: 'field-sync',
    component: () => import('./SyncView.vue'),
    meta: { roles: FIELD_ROLES, title: SYNC_PAGE_TEXT.title },
  },
];
