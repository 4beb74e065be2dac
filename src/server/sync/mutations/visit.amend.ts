import { defineMutation } from '../registry';
import { storeVisit, visitPrefetch } from './visit-common';

/**
 * A correction is a new visit naming the one it amends, by one of that visit's inspectors
 * (`mayAmendVisit`); the amended visit is never changed.
 */
export const visitAmend = defineMutation('visit.amend@1', {
  deferrable: true,
  prefetch: ({ visit }) => visitPrefetch(visit),
  handle: (ctx, { visit }) => storeVisit(ctx, visit),
});
