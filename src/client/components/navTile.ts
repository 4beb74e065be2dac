import type { RouteLocationRaw } from 'vue-router';

/** One tile of a role's home: a large touch target leading to a feature. */
export interface NavTile {
  key: string;
  label: string;
  icon: string;
  to: RouteLocationRaw;
}
