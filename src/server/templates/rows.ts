import type { Insertable } from 'kysely';
import type { ChecklistTemplate } from '../../domain/entities';
import type { ChecklistTemplateRow, ChecklistTemplatesTable } from '../db/schema';

export function templateFromRow(r: ChecklistTemplateRow): ChecklistTemplate {
  return {
    id: r.id,
    code: r.code,
    version: r.version,
    title: r.title,
    appliesTo: r.applies_to as ChecklistTemplate['appliesTo'],
    sections: r.sections as ChecklistTemplate['sections'],
    items: r.items as ChecklistTemplate['items'],
  };
}

/** Templates are county-independent (no scope keys); `version` is the template's own version. */
export function templateToRow(e: ChecklistTemplate): Insertable<ChecklistTemplatesTable> {
  return {
    id: e.id,
    code: e.code,
    version: e.version,
    title: e.title,
    applies_to: JSON.stringify(e.appliesTo),
    sections: JSON.stringify(e.sections),
    items: JSON.stringify(e.items),
    county_id: null,
    township_id: null,
    grid_id: null,
  };
}
