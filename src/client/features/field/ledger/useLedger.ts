/** What every ledger view needs: the user's database and the root of their scope. */
import type { GridPatrolDB } from '../../../db/database';
import { useUserDb } from '../../../db/current';
import { useSessionStore } from '../../../stores/session';

export interface LedgerContext {
  db: GridPatrolDB;
  /** The user's region: their grid (grid workers), or a township whose grids they keep. */
  rootId: string;
}

export function useLedger(): LedgerContext {
  const session = useSessionStore();
  const db = useUserDb();
  return { db, rootId: session.user?.regionId ?? '' };
}
