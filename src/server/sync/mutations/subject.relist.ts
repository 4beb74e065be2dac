import { listingMutation } from './subject-common';

/** 重新入账: delisted → listed with a reason. */
export const subjectRelist = listingMutation('subject.relist@1', 'relist');
