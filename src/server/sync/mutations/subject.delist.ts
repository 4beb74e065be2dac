import { listingMutation } from './subject-common';

/** 出账: listed → delisted with a reason. */
export const subjectDelist = listingMutation('subject.delist@1', 'delist');
