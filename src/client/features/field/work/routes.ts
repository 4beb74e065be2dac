import type { RouteRecordRaw } from 'vue-router';
import { WORK_TEXT } from './text';

const gw = ['grid_worker'] as const;

/**
 * My work: today's tasks, a task's route, the route map, place pages and the grid's place list.
 * Every view is its own chunk; the map pulls Leaflet only when it opens.
 */
export const workRoutes: RouteRecordRaw[] = [
  { path: '/field/tasks', name: 'field-tasks', component: () => import('./TaskList.vue'), meta: { roles: gw, title: WORK_TEXT.tasksTitle } },
  { path: '/field/tasks/:id', name: 'field-task', component: () => import('./TaskShow.vue'), props: true, meta: { roles: gw, title: WORK_TEXT.taskTitle } },
  { path: '/field/tasks/:id/map', name: 'field-task-map', component: () => import('./RouteMap.vue'), props: true, meta: { roles: gw, title: WORK_TEXT.mapTitle } },
  { path: '/field/map', name: 'field-map', component: () => import('./RouteMap.vue'), meta: { roles: gw, title: WORK_TEXT.mapTitle } },
  { path: '/field/places/:id', name: 'field-place', component: () => import('./PlaceShow.vue'), props: true, meta: { roles: gw, title: WORK_TEXT.placeTitle } },
  { path: '/field/places-all', name: 'field-places-all', component: () => import('./PlaceList.vue'), meta: { roles: gw, title: WORK_TEXT.placesTitle } },
];
