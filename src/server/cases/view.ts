/**
 * What each role may read of a case (SPEC §2, §9). A building manager follows their own report but
 * learns nothing about how it is being verified — no linked visit (it may be covert), no inspectors'
 * names or notes. The identity of a citizen or hotline reporter never reaches field roles.
 */
import type { Case } from '../../domain/entities';
import type { Viewer } from '../scope/viewer';

const ANONYMOUS_SOURCES = new Set<Case['source']>(['citizen_report', 'hotline_12345']);

export function caseForViewer(viewer: Viewer, c: Case): Case {
  const role = viewer.user.role;
  if (role === 'building_manager') {
    return {
      ...c,
      visitId: null,
      subjectIds: [],
      events: c.events
        .filter((e) => e.by === viewer.user.id || e.to !== undefined)
        .map((e) => (e.by === viewer.user.id ? e : { at: e.at, by: e.by, action: e.action, to: e.to, note: null, evidence: [] })),
    };
  }
  if (role === 'grid_worker' && ANONYMOUS_SOURCES.has(c.source)) {
    return { ...c, reportedBy: null, trackingCode: null };
  }
  return c;
}
