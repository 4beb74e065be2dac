/**
 * Migration 5: `mutation_result` no longer needs its `_xid`. Since migration 3 a pull reads the
 * horizon from `sync_batch`, and `mutation_result` keeps only rejected mutations; the column and its
 * index served the carry-over of migration 3 alone and only cost a write on every rejection.
 */
import type { Migration } from '../migrate';

export const migration: Migration = {
  id: 5,
  name: 'mutation_result_without_xid',
  statements: [`DROP INDEX mutation_result_xid_idx`, `ALTER TABLE mutation_result DROP COLUMN _xid`],
};
