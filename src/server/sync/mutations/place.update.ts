import { placePatchRefusal } from '../../../domain/places';
import { placeFromRow } from '../../places/rows';
import { keysInScope } from '../access';
import { applyPatch } from '../merge';
import { defineMutation, Rejection } from '../registry';

/** Field patch of a place (last writer wins per field); only coordinators and admins name managers. */
export const placeUpdate = defineMutation('place.update@1', {
  async handle(ctx, { id, baseVersion, patch }) {
    const refusal = placePatchRefusal(ctx.viewer.user.role, patch);
    if (refusal) throw new Rejection(refusal.code, refusal.message);
    const row = await ctx.trx.selectFrom('places').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
    ctx.load.invalidate('place', id);
    if (!row || !keysInScope(ctx.viewer, row)) throw new Rejection('place_not_found', '场所不存在或不在您的管辖范围内');
    const m = await applyPatch(ctx, { entity: 'place', row, current: placeFromRow(row), patch, baseVersion });
    if (Object.keys(m.set).length === 0) return { entity: 'place', entityId: id, status: 'duplicate' };
    return { entity: 'place', entityId: id };
  },
});
