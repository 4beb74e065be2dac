import type { Case, ChecklistTemplate, LedgerEvent, Place, Region, Subject, Task, User, Visit } from '../../domain/entities';

/** A seeded user carries the plain demo password; the inserter hashes it. */
export type SeedUser = User & { password: string };

/** Everything the demo county generator produces, valid against the domain schemas. */
export interface Dataset {
  regions: Region[];
  users: SeedUser[];
  templates: ChecklistTemplate[];
  places: Place[];
  subjects: Subject[];
  ledgerEvents: LedgerEvent[];
  tasks: Task[];
  visits: Visit[];
  cases: Case[];
}
