import type { RouteRecordRaw } from 'vue-router';
import FeaturePending from '../../../components/FeaturePending.vue';
import { FIELD_TEXT } from '../text';

const gw = ['grid_worker'] as const;

/** The key-subject ledger of the grid. */
export const ledgerRoutes: RouteRecordRaw[] = [
  { path: '/field/ledger', name: 'field-ledger', component: FeaturePending, meta: { roles: gw, title: FIELD_TEXT.gridWorker.ledger, pending: FIELD_TEXT.pending } },
];
