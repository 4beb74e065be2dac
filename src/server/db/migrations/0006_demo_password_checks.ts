/**
 * Migration 6: a production start refuses accounts that still use the demo password, and checking
 * that costs one scrypt per account (about 6 s per 1,000 accounts). `demo_password_checks` remembers
 * each stored password hash already found NOT to be the demo password, so a start checks only accounts
 * created or given a new password since the last one. A row whose `password_hash` no longer equals
 * the account's is stale and ignored.
 */
import type { Migration } from '../migrate';

export const migration: Migration = {
  id: 6,
  name: 'demo_password_checks',
  statements: [
    `CREATE TABLE demo_password_checks (
       user_id       uuid PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
       password_hash text NOT NULL,
       checked_at    timestamptz NOT NULL DEFAULT now()
     )`,
  ],
};
