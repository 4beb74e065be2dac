import type { Kysely } from 'kysely';
import type { SubjectCategory, SubjectStatus } from '../../domain/enums';
import type { Database, LedgerEventRow, SubjectRow } from '../db/schema';
import type { PageRequest } from '../http/paging';
import { inScope, likePattern } from '../scope/filters';
import type { Scope } from '../scope/viewer';

/** Subjects and the ledger are never visible to building managers; callers reject them first. */
type StaffScope = Exclude<Scope, { kind: 'manager' }>;

export interface SubjectFilters {
  gridId?: string | undefined;
  category?: SubjectCategory | undefined;
  status?: SubjectStatus | undefined;
  q?: string | undefined;
}

export async function listSubjects(db: Kysely<Database>, scope: StaffScope, f: SubjectFilters, page: PageRequest): Promise<SubjectRow[]> {
  let q = db.selectFrom('subjects').selectAll().where(inScope(scope, 'subjects')).orderBy('id').limit(page.limit + 1);
  if (page.afterId) q = q.where('id', '>', page.afterId);
  if (f.gridId) q = q.where('grid_id', '=', f.gridId);
  if (f.category) q = q.where('category', '=', f.category);
  if (f.status) q = q.where('status', '=', f.status);
  if (f.q) {
    const pattern = likePattern(f.q);
    q = q.where((eb) => eb.or([eb('name', 'ilike', pattern), eb('credit_code', 'ilike', pattern)]));
  }
  return q.execute();
}

export async function getSubject(db: Kysely<Database>, scope: StaffScope, id: string): Promise<SubjectRow | undefined> {
  return db.selectFrom('subjects').selectAll().where(inScope(scope, 'subjects')).where('id', '=', id).executeTakeFirst();
}

export async function ledgerOfSubject(db: Kysely<Database>, subjectId: string): Promise<LedgerEventRow[]> {
  return db.selectFrom('ledger_events').selectAll().where('subject_id', '=', subjectId).orderBy('at').orderBy('id').execute();
}

export interface LedgerFilters {
  subjectId?: string | undefined;
  gridId?: string | undefined;
}

export async function listLedgerEvents(db: Kysely<Database>, scope: StaffScope, f: LedgerFilters, page: PageRequest): Promise<LedgerEventRow[]> {
  let q = db.selectFrom('ledger_events').selectAll().where(inScope(scope, 'ledger_events')).orderBy('id').limit(page.limit + 1);
  if (page.afterId) q = q.where('id', '>', page.afterId);
  if (f.subjectId) q = q.where('subject_id', '=', f.subjectId);
  if (f.gridId) q = q.where('grid_id', '=', f.gridId);
  return q.execute();
}
