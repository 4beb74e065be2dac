/**
 * Reads from the local database as a Vue ref that follows every change (Dexie `liveQuery`): views
 * never re-query by hand after a write. Re-subscribes when a watched source changes and unsubscribes
 * with the component (or effect scope) that created it.
 */
import { liveQuery, type Subscription } from 'dexie';
import { getCurrentScope, onScopeDispose, ref, shallowRef, watch, type Ref, type WatchSource } from 'vue';

export interface LiveQuery<T> {
  value: Readonly<Ref<T>>;
  /** False until the first result has arrived. */
  ready: Readonly<Ref<boolean>>;
  error: Readonly<Ref<unknown>>;
}

export function useLiveQuery<T>(querier: () => T | Promise<T>, initial: T, sources: WatchSource[] = []): LiveQuery<T> {
  const value = shallowRef<T>(initial) as Ref<T>;
  const ready = ref(false);
  const error = shallowRef<unknown>(null);
  let sub: Subscription | null = null;

  const subscribe = (): void => {
    sub?.unsubscribe();
    sub = liveQuery(querier).subscribe({
      next: (v) => {
        value.value = v;
        ready.value = true;
        error.value = null;
      },
      error: (e: unknown) => {
        error.value = e;
        ready.value = true;
      },
    });
  };

  if (sources.length > 0) watch(sources, subscribe, { immediate: true });
  else subscribe();

  if (getCurrentScope()) onScopeDispose(() => sub?.unsubscribe());
  return { value, ready, error };
}
