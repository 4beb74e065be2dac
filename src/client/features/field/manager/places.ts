/** The building manager's own places on the device (the server syncs only those to them). */
import type { Place } from '../../../../domain/entities';
import { managesPlace } from '../../../../domain/scopes';
import { byName } from '../../../components/format';
import { useLiveQuery, type LiveQuery } from '../../../composables/useLiveQuery';
import { useUserDb } from '../../../db/current';
import { useSessionStore } from '../../../stores/session';

/**
 * The signed-in user's managed places by name, as a live query; `active: false` reads nothing (a
 * view that needs them only in one of its modes).
 */
export function useManagedPlaces(active = true): LiveQuery<Place[]> {
  const db = useUserDb();
  const userId = useSessionStore().user!.id;
  return useLiveQuery(
    async () => (active ? (await db.places.filter((p) => managesPlace(userId, p)).toArray()).sort(byName) : []),
    [] as Place[],
  );
}
