import type { RouteRecordRaw } from 'vue-router';
import { FIELD_TEXT } from '../text';
import { LEDGER_TEXT } from './text';

const gw = ['grid_worker'] as const;

/** The key-subject ledger of the grid (SPEC §4.5); each screen is its own lazy chunk. */
export const ledgerRoutes: RouteRecordRaw[] = [
  {
    path: '/field/ledger',
    name: 'field-ledger',
    component: () => import('./SubjectList.vue'),
    meta: { roles: gw, title: FIELD_TEXT.gridWorker.ledger },
  },
  {
    path: '/field/ledger/new',
    name: 'field-ledger-new',
    component: () => import('./SubjectNew.vue'),
    meta: { roles: gw, title: LEDGER_TEXT.newTitle },
  },
  {
    path: '/field/ledger/:id',
    name: 'field-ledger-show',
    component: () => import('./SubjectShow.vue'),
    meta: { roles: gw, title: LEDGER_TEXT.showTitle },
  },
  {
    path: '/field/ledger/:id/edit',
    name: 'field-ledger-edit',
    component: () => import('./SubjectEdit.vue'),
    meta: { roles: gw, title: LEDGER_TEXT.editTitle },
  },
];
