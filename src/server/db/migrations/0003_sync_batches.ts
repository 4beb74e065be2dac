/**
 * Migration 3: push records one row per batch instead of one per mutation (SPEC §8, §12).
 *
 * - `sync_batch`: every push transaction that advanced a client writes ONE row with the seq range it
 *   decided (`first_seq`..`last_seq`) and how many were applied, duplicates or rejected, stamped with
 *   the writing transaction's `_xid`. A pull reports as lastMutationId only what committed below its
 *   xid horizon: `min(first_seq) - 1` over the client's batches at or above the horizon, else
 *   `sync_client.last_mutation_id` — the rule `mutation_result` served before, at one row per batch.
 * - `mutation_result` keeps only rejected mutations (with their arguments and reason): nothing a device
 *   sent is lost. Rows written before this migration stay as they are.
 * - Batches already recorded in `mutation_result` are carried over (one row per client and
 *   transaction, with that transaction's `_xid`), so the horizon rule holds across the upgrade.
 */
import type { Migration } from '../migrate';

export const migration: Migration = {
  id: 3,
  name: 'sync_batches',
  statements: [
    `CREATE TABLE sync_batch (
       client_id   uuid NOT NULL REFERENCES sync_client (client_id),
       first_seq   bigint NOT NULL,
       last_seq    bigint NOT NULL,
       applied     integer NOT NULL DEFAULT 0,
       duplicates  integer NOT NULL DEFAULT 0,
       rejected    integer NOT NULL DEFAULT 0,
       received_at timestamptz NOT NULL DEFAULT now(),
       _xid        xid8 NOT NULL DEFAULT pg_current_xact_id(),
       PRIMARY KEY (client_id, first_seq),
       CHECK (first_seq >= 1 AND last_seq >= first_seq)
     )`,
    `CREATE INDEX sync_batch_xid_idx ON sync_batch (client_id, _xid)`,
    `INSERT INTO sync_batch (client_id, first_seq, last_seq, applied, duplicates, rejected, received_at, _xid)
     SELECT client_id, min(seq), max(seq),
            count(*) FILTER (WHERE status = 'applied'),
            count(*) FILTER (WHERE status = 'duplicate'),
            count(*) FILTER (WHERE status = 'rejected'),
            min(received_at), _xid
     FROM mutation_result
     GROUP BY client_id, _xid`,
  ],
};
