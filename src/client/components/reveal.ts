import { nextTick, toValue, type MaybeRefOrGetter } from 'vue';

/**
 * Brings an element into view once the DOM has caught up (so a ref to what has just appeared is read
 * after rendering): the list of what is missing in a form sits below it, off-screen on a phone, and a
 * tap on submit that seems to do nothing is the worst answer.
 */
export async function reveal(target: MaybeRefOrGetter<HTMLElement | null | undefined>, block: ScrollLogicalPosition = 'center'): Promise<void> {
  await nextTick();
  toValue(target)?.scrollIntoView?.({ behavior: 'smooth', block });
}
