/** A clock for views whose content depends on the time (due today, overdue): ticks every minute. */
import { getCurrentScope, onScopeDispose, shallowRef, type Ref } from 'vue';

export function useNow(intervalMs = 60_000): Readonly<Ref<Date>> {
  const now = shallowRef(new Date());
  const timer = setInterval(() => (now.value = new Date()), intervalMs);
  if (getCurrentScope()) onScopeDispose(() => clearInterval(timer));
  return now;
}
