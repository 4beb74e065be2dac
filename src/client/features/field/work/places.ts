/** Place pages read from the local database (grid workers only: subjects and visits are not for building managers). */
import type { Place, Subject, User, Visit } from '../../../../domain/entities';
import type { PlaceKind } from '../../../../domain/enums';
import { byName } from '../../../components/format';
import type { GridPatrolDB } from '../../../db/database';

export interface PlaceDetail {
  place: Place;
  managers: Pick<User, 'id' | 'displayName'>[];
  subjects: Subject[];
  /** Newest first. */
  visits: Visit[];
}

export async function loadPlaceDetail(db: GridPatrolDB, placeId: string): Promise<PlaceDetail | null> {
  const place = await db.places.get(placeId);
  if (!place) return null;
  const [managers, subjects, visits] = await Promise.all([
    db.users.bulkGet(place.managerIds),
    db.subjects.where('placeIds').equals(placeId).filter((s) => s.status === 'listed').toArray(),
    db.visits.where('placeId').equals(placeId).toArray(),
  ]);
  return {
    place,
    managers: managers.flatMap((u) => (u ? [{ id: u.id, displayName: u.displayName }] : [])),
    subjects,
    visits: visits.sort((a, b) => b.endedAt.localeCompare(a.endedAt)),
  };
}

/** Every place on the device (the user's grids), optionally of one kind, by name. */
export async function loadPlaces(db: GridPatrolDB, kind: PlaceKind | null): Promise<Place[]> {
  const rows = kind === null ? await db.places.toArray() : await db.places.where('kind').equals(kind).toArray();
  return rows.sort(byName);
}

/** Name or address contains every whitespace-separated term (case-insensitive). */
export function matchesSearch(place: Pick<Place, 'name' | 'address'>, query: string): boolean {
  const terms = query.trim().toLowerCase().split(/\s+/).filter(Boolean);
  if (terms.length === 0) return true;
  const hay = `${place.name} ${place.address}`.toLowerCase();
  return terms.every((t) => hay.includes(t));
}
