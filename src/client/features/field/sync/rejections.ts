/**
 * What each rejected change was about, in the worker's words (the place of a visit or report, the
 * task, the key person), read from the rejected mutation's own arguments and the local rows they
 * name. A change whose record the device no longer knows keeps only its generic label.
 */
import type { GridPatrolDB, RejectionRow } from '../../../db/database';

type Args = Record<string, unknown>;

function obj(v: unknown): Args | null {
  return typeof v === 'object' && v !== null ? (v as Args) : null;
}

function str(v: unknown): string | null {
  return typeof v === 'string' && v !== '' ? v : null;
}

async function placeName(db: GridPatrolDB, id: unknown): Promise<string | null> {
  const placeId = str(id);
  return placeId ? ((await db.places.get(placeId))?.name ?? null) : null;
}

async function subjectOf(db: GridPatrolDB, name: string, args: Args): Promise<string | null> {
  switch (name.replace(/@\d+$/, '')) {
    case 'visit.submit':
    case 'visit.amend':
      return placeName(db, obj(args.visit)?.placeId);
    case 'task.start':
    case 'task.complete': {
      const id = str(args.taskId);
      return id ? ((await db.tasks.get(id))?.title ?? null) : null;
    }
    case 'subject.create':
      return str(obj(args.subject)?.name);
    case 'subject.update':
    case 'subject.delist':
    case 'subject.relist': {
      const id = str(args.id);
      return id ? ((await db.subjects.get(id))?.name ?? null) : null;
    }
    case 'place.update':
      return placeName(db, args.id);
    case 'case.open': {
      const c = obj(args.case);
      return (await placeName(db, c?.placeId)) ?? str(c?.address);
    }
    case 'case.transition': {
      const id = str(args.caseId);
      const c = id ? await db.cases.get(id) : undefined;
      return c ? ((await placeName(db, c.placeId)) ?? str(c.address)) : null;
    }
    default:
      return null;
  }
}

/** The record each rejection (by `seq`) was about, where the device can name it. */
export async function rejectionSubjects(db: GridPatrolDB): Promise<ReadonlyMap<number, string>> {
  const rows: RejectionRow[] = await db.rejections.toArray();
  const named = await Promise.all(rows.map(async (r) => [r.seq, await subjectOf(db, r.name, obj(r.args) ?? {})] as const));
  return new Map(named.filter((e): e is readonly [number, string] => e[1] !== null));
}
