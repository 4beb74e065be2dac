import type { RouteRecordRaw } from 'vue-router';
// Static: the placeholder is tiny and already in the entry chunk for the field routes.
import FeaturePending from '../../components/FeaturePending.vue';
import { CONSOLE_TEXT } from './text';

const roles = ['township_coordinator'] as const;
const pending = CONSOLE_TEXT.pending;

// Lazy: the coordinator's console stays out of the field app's first load.
export const consoleRoutes: RouteRecordRaw[] = [
  { path: '/console', name: 'console', component: () => import('./ConsoleHome.vue'), meta: { roles } },
  { path: '/console/places', name: 'console-places', component: FeaturePending, meta: { roles, title: CONSOLE_TEXT.places, pending } },
  { path: '/console/tasks', name: 'console-tasks', component: FeaturePending, meta: { roles, title: CONSOLE_TEXT.tasks, pending } },
  { path: '/console/cases', name: 'console-cases', component: FeaturePending, meta: { roles, title: CONSOLE_TEXT.cases, pending } },
  { path: '/console/reviews', name: 'console-reviews', component: FeaturePending, meta: { roles, title: CONSOLE_TEXT.reviews, pending } },
];
