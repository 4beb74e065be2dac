import { defineMutation } from '../registry';
import { storeVisit, visitPrefetch, visitPrework } from './visit-common';

/** A visit as recorded on the device (SPEC §8): verified, then inserted if absent. */
export const visitSubmit = defineMutation('visit.submit@1', {
  deferrable: true,
  prefetch: ({ visit }) => visitPrefetch(visit),
  prework: visitPrework,
  handle: (ctx, { visit }, work) => storeVisit(ctx, visit, work),
});
