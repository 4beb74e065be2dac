/**
 * Migration 7: a township coordinator leaves the grid scopes of their township without a tombstone.
 * A grid scope carries the township's coordinators (users with no grid, matched by township and role;
 * see pull.ts), but the tombstone trigger of migration 2 fires only when `grid_id` changes. Now a
 * coordinator moved to another township, given another role or given a grid leaves a tombstone for
 * their old township (no grid): the grid scopes of that township deliver it (pull.ts).
 */
import type { Migration } from '../migrate';

export const migration: Migration = {
  id: 7,
  name: 'coordinator_tombstones',
  statements: [
    `CREATE FUNCTION sync_tombstone_coordinator() RETURNS trigger LANGUAGE plpgsql AS $$
     BEGIN
       INSERT INTO tombstones (entity, row_id, county_id, township_id, grid_id, place_id)
       VALUES ('user', OLD.id, OLD.county_id, OLD.township_id, NULL, NULL);
       RETURN NULL;
     END $$`,
    `CREATE TRIGGER users_tombstone_coordinator AFTER UPDATE ON users
       FOR EACH ROW WHEN (OLD.grid_id IS NULL AND OLD.role = 'township_coordinator' AND OLD.township_id IS NOT NULL
         AND (NEW.township_id IS DISTINCT FROM OLD.township_id OR NEW.role IS DISTINCT FROM OLD.role OR NEW.grid_id IS NOT NULL))
       EXECUTE FUNCTION sync_tombstone_coordinator()`,
  ],
};
