/** Where each role lives in the app, and what a route declares about who may open it. */
import type { Role } from '../domain/enums';

declare module 'vue-router' {
  interface RouteMeta {
    /** Open without a session (the sign-in screen). */
    public?: boolean;
    /** Roles allowed in; anyone else is sent to their own home. Omitted on public routes only. */
    roles?: readonly Role[];
    /** Page title of placeholder routes. */
    title?: string;
    /** What a placeholder route says about when the feature arrives. */
    pending?: string;
  }
}

export const HOME_BY_ROLE = {
  grid_worker: '/field',
  building_manager: '/field',
  township_coordinator: '/console',
  county_admin: '/county',
} as const satisfies Record<Role, string>;

export const FIELD_ROLES = ['grid_worker', 'building_manager'] as const satisfies readonly Role[];

export function homeFor(role: Role | null): string {
  return role === null ? '/login' : HOME_BY_ROLE[role];
}

/** A same-origin path to return to after sign-in, or null for anything else (no open redirect). */
export function safeRedirect(value: unknown): string | null {
  return typeof value === 'string' && value.startsWith('/') && !value.startsWith('//') && !value.startsWith('/\\')
    ? value
    : null;
}
