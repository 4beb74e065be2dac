/** The signed-in user's local database, for views and composables. */
import { useSessionStore } from '../stores/session';
import { openUserDb, type GridPatrolDB } from './database';

/** The database of the signed-in user; throws when nobody is signed in (routes guard against that). */
export function useUserDb(): GridPatrolDB {
  const session = useSessionStore();
  const id = session.user?.id;
  if (!id) throw new Error('useUserDb: no signed-in user');
  return openUserDb(id);
}
