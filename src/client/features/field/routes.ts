import type { RouteRecordRaw } from 'vue-router';
import { FIELD_ROLES } from '../../routing';
import FieldHome from './FieldHome.vue';
import { ledgerRoutes } from './ledger/routes';
import { managerRoutes } from './manager/routes';
import { syncRoutes } from './sync/routes';
import { visitRoutes } from './visit/routes';
import { workRoutes } from './work/routes';

// The field home is in the entry chunk: it is what grid workers open first, often on a weak signal.
export const fieldRoutes: RouteRecordRaw[] = [
  { path: '/field', name: 'field', component: FieldHome, meta: { roles: FIELD_ROLES } },
  ...workRoutes,
  ...visitRoutes,
  ...ledgerRoutes,
  ...syncRoutes,
  ...managerRoutes,
];
