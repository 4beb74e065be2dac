import { defineMutation } from '../registry';
import { storeVisit, visitPrefetch, visitPrework } from './visit-common';

/**
 * A correction is a new visit naming the one it amends, by one of that visit's inspectors
 * (`mayAmendVisit`); the amended visit is never changed.
 */
export const visitAmend = defineMutation('visit.amend@1', {
  deferrable: true,
  prefetch: ({ visit }) => visitPrefetch(visit),
  prework: visitPrework,
  handle: (ctx, { visit }, work) => storeVisit(ctx, visit, work),
});
