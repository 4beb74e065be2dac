/**
 * Every mutation the server accepts, by `name@version`. Adding one is one module and one line here;
 * an old version stays listed (and accepted) for as long as devices may still send it.
 */
import { MutationRegistry } from '../registry';
import { caseOpen } from './case.open';
import { caseTransition } from './case.transition';
import { placeUpdate } from './place.update';
import { subjectCreate } from './subject.create';
import { subjectDelist } from './subject.delist';
import { subjectRelist } from './subject.relist';
import { subjectUpdate } from './subject.update';
import { taskComplete } from './task.complete';
import { taskStart } from './task.start';
import { visitAmend } from './visit.amend';
import { visitSubmit } from './visit.submit';

export const MUTATIONS = new MutationRegistry([
  visitSubmit,
  visitAmend,
  taskStart,
  taskComplete,
  subjectCreate,
  subjectUpdate,
  subjectDelist,
  subjectRelist,
  placeUpdate,
  caseOpen,
  caseTransition,
]);
