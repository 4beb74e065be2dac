/**
 * Who may change what of a place (SPEC §2, §5): grid staff keep the places of their grids up to date;
 * naming a place's building managers — which hands those users the place, its self-checks and their
 * reports — is a decision of the township coordinator or the county.
 */
import { GRID_STAFF_ROLES, SUPERVISOR_ROLES, type Role } from './enums';
import type { MutationArgs } from './sync';

export interface PlacePatchRefusal {
  code: 'forbidden';
  message: string;
}

/** Null when `role` may apply `patch` to a place in their scope; otherwise why not. */
export function placePatchRefusal(role: Role, patch: MutationArgs<'place.update@1'>['patch']): PlacePatchRefusal | null {
  if (!GRID_STAFF_ROLES.includes(role)) return { code: 'forbidden', message: '您的角色无权修改场所信息' };
  if (patch.managerIds !== undefined && !SUPERVISOR_ROLES.includes(role)) return { code: 'forbidden', message: '网格员不能指定场所负责人' };
  return null;
}
