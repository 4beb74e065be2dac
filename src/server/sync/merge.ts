/**
 * The per-field merge of places and subjects (SPEC §8): a patch names the row version it was made
 * on (`baseVersion`). Each field remembers the version that last changed it; the last writer wins per
 * field, and when a field changed after `baseVersion` the value it overwrites is kept in
 * `sync_conflict` for the coordinator.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema';
import type { ScopeKeys } from '../scope/keys';
import { keysOf } from './access';
import type { MutationContext } from './registry';

type PatchedEntity = 'place' | 'subject';
const TABLES = { place: 'places', subject: 'subjects' } as const;

export interface MergeInput {
  /** The row as the API shows it (camelCase), for comparing and recording values. */
  current: Record<string, unknown>;
  version: number;
  fieldVersions: Record<string, number>;
  patch: Record<string, unknown>;
  baseVersion: number;
}

export interface Merge {
  /** snake_case column → new value; empty when the patch changes nothing. */
  set: Record<string, unknown>;
  fieldVersions: Record<string, number>;
  diff: Record<string, { from: unknown; to: unknown }>;
  conflicts: { field: string; overwritten: unknown; winner: unknown }[];
}

const snake = (field: string) => field.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

export function mergeFields(input: MergeInput): Merge {
  const out: Merge = { set: {}, fieldVersions: { ...input.fieldVersions }, diff: {}, conflicts: [] };
  const next = input.version + 1;
  for (const [field, value] of Object.entries(input.patch)) {
    if (value === undefined) continue;
    const from = input.current[field];
    if (same(from, value)) continue;
    if ((input.fieldVersions[field] ?? 0) > input.baseVersion) out.conflicts.push({ field, overwritten: from ?? null, winner: value });
    out.set[snake(field)] = value;
    out.fieldVersions[field] = next;
    out.diff[field] = { from: from ?? null, to: value };
  }
  return out;
}

async function recordConflicts(
  db: Kysely<Database>,
  m: Merge,
  e: { entity: PatchedEntity; rowId: string; baseVersion: number; clientId: string; userId: string; keys: ScopeKeys },
): Promise<void> {
  if (m.conflicts.length === 0) return;
  await db
    .insertInto('sync_conflict')
    .values(
      m.conflicts.map((c) => ({
        entity: e.entity,
        row_id: e.rowId,
        field: c.field,
        overwritten: JSON.stringify(c.overwritten),
        winner: JSON.stringify(c.winner),
        base_version: e.baseVersion,
        client_id: e.clientId,
        user_id: e.userId,
        ...e.keys,
      })),
    )
    .execute();
}

export interface PatchInput {
  entity: PatchedEntity;
  /** The row as read for update (locked), with its version, field versions and scope keys. */
  row: ScopeKeys & { id: string; version: number; field_versions: Record<string, number> };
  /** The row as the API shows it (camelCase). */
  current: Record<string, unknown>;
  patch: Record<string, unknown>;
  baseVersion: number;
}

/**
 * Merges `patch` into the locked row and writes the result: the changed columns with the next version
 * and the fields' versions, and the conflict records of the values it overwrote. A patch that changes
 * nothing writes nothing; the merge is returned either way (its `set` is empty then).
 */
export async function applyPatch(ctx: MutationContext, p: PatchInput): Promise<Merge> {
  const m = mergeFields({ current: p.current, version: p.row.version, fieldVersions: p.row.field_versions, patch: p.patch, baseVersion: p.baseVersion });
  if (Object.keys(m.set).length === 0) return m;
  await ctx.trx
    .updateTable(TABLES[p.entity])
    .set({ ...m.set, version: p.row.version + 1, field_versions: JSON.stringify(m.fieldVersions) })
    .where('id', '=', p.row.id)
    .execute();
  await recordConflicts(ctx.trx, m, {
    entity: p.entity,
    rowId: p.row.id,
    baseVersion: p.baseVersion,
    clientId: ctx.clientId,
    userId: ctx.viewer.user.id,
    keys: keysOf(p.row),
  });
  return m;
}
