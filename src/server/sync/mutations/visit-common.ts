/**
 * What visit.submit and visit.amend share: a visit is checked against the caller's current
 * authorisation, its hash and its checklist, then inserted if absent (SPEC §8: append-only).
 */
import type { Visit } from '../../../domain/entities';
import { isOpenSelfCheck, mayAmendVisit, validateAnswers, visitEvidence } from '../../../domain/rules';
import type { PlaceKind } from '../../../domain/enums';
import { keysOf, placeForCaller } from '../access';
import { attachEvidence, Rejection, type MutationContext, type MutationOutcome, type PrefetchKeys, type Prework } from '../registry';
import { canonicalVisit, hasNulCharacter, visitJsonWithHash } from '../visit-hash';

export function visitPrefetch(v: Visit): PrefetchKeys {
  return {
    places: [v.placeId],
    visits: v.amendsVisitId ? [v.id, v.amendsVisitId] : [v.id],
    templates: [v.templateId],
    tasks: v.taskId ? [v.taskId] : [],
    blobs: visitEvidence(v),
  };
}

/**
 * What a visit's check needs of the visit alone: its hash as the server computes it, whether its text
 * holds a NUL, and the document to store (UTF-8, with the hash the device claimed). The canonical JSON
 * serves the hash and, with the hash, as the document. `id` and `claimed` tie it to its visit.
 */
export interface VisitWork {
  id: string;
  claimed: string;
  hash: string;
  nul: boolean;
  doc: Uint8Array;
}

const utf8 = new TextEncoder();

export function visitWork(visit: Visit): VisitWork {
  const { json, hash } = canonicalVisit(visit);
  return { id: visit.id, claimed: visit.hash, hash, nul: hasNulCharacter(json), doc: utf8.encode(visitJsonWithHash(json, visit.hash)) };
}

/** visit.submit's and visit.amend's prework: a push's worker thread checks the hashes (prework.ts). */
export const visitPrework: Prework<{ visit: Visit }, VisitWork> = {
  run: ({ visit }) => visitWork(visit),
  // The worker sends what `run` returned, cloned, for arguments its schema accepted: what ties it to
  // these arguments (any value, unchecked) is the visit's id and the hash it claims.
  fits: (work, args): work is VisitWork => {
    const w = work as VisitWork | null;
    const visit = (args as { visit?: { id?: unknown; hash?: unknown } } | null | undefined)?.visit;
    return typeof w?.id === 'string' && w.id === visit?.id && w.claimed === visit.hash;
  },
};

export async function storeVisit(ctx: MutationContext, visit: Visit, work: VisitWork): Promise<MutationOutcome> {
  const { viewer } = ctx;
  const me = viewer.user.id;
  const outcome: MutationOutcome = { entity: 'visit', entityId: visit.id };

  // Idempotent by id: the same visit again is a duplicate, another visit under a known id is refused.
  const { hash } = work;
  const existing = await ctx.load.visit(visit.id);
  if (existing) {
    if (existing.hash === visit.hash && hash === visit.hash) return { ...outcome, status: 'duplicate' };
    throw new Rejection('visit_conflict', '已有一条编号相同但内容不同的检查记录，本条未保存');
  }
  if (hash !== visit.hash) throw new Rejection('hash_mismatch', '检查记录的校验值与内容不符，记录可能被改动，未保存');
  if (work.nul) throw new Rejection('invalid_text', '检查记录中含有无法保存的字符（NUL），未保存');
  if (!visit.inspectorIds.includes(me)) throw new Rejection('forbidden', '提交人不在本次检查的检查人员名单中');
  if (visit.deviceId !== viewer.deviceId) throw new Rejection('device_mismatch', '检查记录的设备标识与当前登录设备不一致');

  const place = placeForCaller(viewer, await ctx.load.place(visit.placeId));
  const selfCheck = viewer.user.role === 'building_manager';
  if (selfCheck && !isOpenSelfCheck(visit)) throw new Rejection('forbidden', '楼栋长只能提交本楼栋的公开自查记录');
  const template = await ctx.load.template(visit.templateId);
  if (!template || template.version !== visit.templateVersion) {
    throw new Rejection('template_not_found', '检查表不存在或版本不符');
  }
  const problems = validateAnswers(
    template,
    { placeKind: place.kind as PlaceKind, shift: visit.shift, selfCheck },
    visit.answers,
    visit.outcome,
    visit.findings,
  );
  if (problems.length > 0) {
    throw new Rejection('invalid_answers', problems.slice(0, 3).map((p) => p.message).join('；'));
  }
  if (visit.amendsVisitId) {
    const amended = await ctx.load.visit(visit.amendsVisitId);
    const mayAmend = !!amended && mayAmendVisit(viewer.user, { inspectorIds: amended.inspector_ids });
    // A building manager sees only their own visits: another's is "not found", like a missing one.
    const visible = amended && (selfCheck ? mayAmend : amended.grid_id === place.grid_id);
    if (!visible || amended.place_id !== visit.placeId) throw new Rejection('amended_visit_not_found', '被更正的检查记录不存在或不属于本场所');
    if (!mayAmend) throw new Rejection('forbidden', '只有该检查记录的检查人员可以更正它');
  }

  const keys = keysOf(place);
  await attachEvidence(ctx, visitEvidence(visit), { entity: 'visit', rowId: visit.id, keys, placeId: visit.placeId });

  // Field work for a task reassigned or cancelled meanwhile is kept and flagged, never dropped.
  const flags: string[] = [];
  if (visit.taskId) {
    const task = await ctx.load.task(visit.taskId);
    if (!task || task.grid_id !== place.grid_id) flags.push('task_missing');
    else {
      if (task.status === 'cancelled') flags.push('task_cancelled');
      if (!task.assignee_ids.includes(me)) flags.push('task_reassigned');
    }
  }

  ctx.defer('visits', { visit, doc: work.doc, keys, flags, clockOffsetMs: ctx.clockOffsetMs, receivedAt: ctx.receivedAt });
  ctx.load.noteVisit({
    id: visit.id,
    hash: visit.hash,
    place_id: visit.placeId,
    inspector_ids: visit.inspectorIds,
    grid_id: keys.grid_id,
  });
  return outcome;
}
