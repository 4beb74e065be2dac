import { describe, expect, it } from 'vitest';
import type { Role } from '../../src/domain/enums';
import { placePatchRefusal } from '../../src/domain/places';

const MANAGER = '01900000-0000-7000-8000-0000000000a1';

describe('placePatchRefusal', () => {
  it.each<[Role, string | null, string | null]>([
    ['grid_worker', null, '网格员不能指定场所负责人'],
    ['township_coordinator', null, null],
    ['county_admin', null, null],
    ['building_manager', '您的角色无权修改场所信息', '您的角色无权修改场所信息'],
  ])('%s: other fields → %s, managers → %s', (role, fields, managers) => {
    expect(placePatchRefusal(role, { name: '新名称', note: '夜间巡查' })?.message ?? null).toBe(fields);
    expect(placePatchRefusal(role, { managerIds: [MANAGER] })?.message ?? null).toBe(managers);
    // Removing every manager is naming them too.
    expect(placePatchRefusal(role, { managerIds: [] })?.message ?? null).toBe(managers);
  });
});
