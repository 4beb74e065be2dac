import type { Insertable } from 'kysely';
import type { Place } from '../../domain/entities';
import type { PlaceKind, RiskLevel } from '../../domain/enums';
import type { PlaceRow, PlacesTable } from '../db/schema';
import type { ScopeKeys } from '../scope/keys';

export function placeFromRow(r: PlaceRow): Place {
  return {
    id: r.id,
    gridId: r.grid_id!,
    kind: r.kind as PlaceKind,
    name: r.name,
    address: r.address,
    lat: r.lat,
    lng: r.lng,
    managerIds: r.manager_ids,
    riskLevel: r.risk_level as RiskLevel,
    tags: r.tags,
    note: r.note,
    version: r.version,
  };
}

export function placeToRow(e: Place, keys: ScopeKeys): Insertable<PlacesTable> {
  return {
    id: e.id,
    kind: e.kind,
    name: e.name,
    address: e.address,
    lat: e.lat,
    lng: e.lng,
    manager_ids: e.managerIds,
    risk_level: e.riskLevel,
    tags: e.tags,
    note: e.note ?? null,
    version: e.version,
    ...keys,
  };
}
