import type { RouteRecordRaw } from 'vue-router';

/** The visit form (inspection and self-check) and visit pages. */
export const visitRoutes: RouteRecordRaw[] = [];
