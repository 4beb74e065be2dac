import { placeFromRow } from '../../places/rows';
import { keysInScope, keysOf, requireRole } from '../access';
import { mergeFields, recordConflicts } from '../merge';
import { defineMutation, Rejection } from '../registry';

/** Field patch of a place (last writer wins per field); only coordinators and admins name managers. */
export const placeUpdate = defineMutation('place.update@1', {
  async handle(ctx, { id, baseVersion, patch }) {
    requireRole(ctx.viewer, ['grid_worker', 'township_coordinator', 'county_admin'], '修改场所信息');
    if (patch.managerIds !== undefined && ctx.viewer.user.role === 'grid_worker') {
      throw new Rejection('forbidden', '网格员不能指定场所负责人');
    }
    const row = await ctx.trx.selectFrom('places').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
    ctx.load.invalidate('place', id);
    if (!row || !keysInScope(ctx.viewer, row)) throw new Rejection('place_not_found', '场所不存在或不在您的管辖范围内');
    const m = mergeFields({
      entity: 'place',
      current: placeFromRow(row),
      version: row.version,
      fieldVersions: row.field_versions,
      patch,
      baseVersion,
    });
    if (Object.keys(m.set).length === 0) return { entity: 'place', entityId: id, status: 'duplicate' };
    await ctx.trx
      .updateTable('places')
      .set({ ...m.set, version: row.version + 1, field_versions: JSON.stringify(m.fieldVersions) })
      .where('id', '=', id)
      .execute();
    await recordConflicts(ctx.trx, m, { entity: 'place', rowId: id, baseVersion, clientId: ctx.clientId, userId: ctx.viewer.user.id, keys: keysOf(row) });
    return { entity: 'place', entityId: id };
  },
});
