/**
 * The signed-in worker's task cards: the tasks as a live query, re-read when the business date
 * changes; their timing follows the clock in between (a task due 14:00 turns overdue at 14:01).
 */
import { computed, type ComputedRef, type Ref } from 'vue';
import { localDateTime } from '../../../../domain/calendar';
import { useLiveQuery } from '../../../composables/useLiveQuery';
import { useUserDb } from '../../../db/current';
import { useSessionStore } from '../../../stores/session';
import { loadMyTaskRows, taskCards, type MyTask, type TaskCardData } from './tasks';
import { useNow } from './useNow';

export interface MyTasks {
  cards: ComputedRef<TaskCardData[]>;
  /** False until the first read has arrived. */
  ready: Readonly<Ref<boolean>>;
  error: Readonly<Ref<unknown>>;
  /** The clock the cards are timed by, for views that show times relative to it. */
  now: Readonly<Ref<Date>>;
}

/** `active`: whether to read at all (a view that shows the cards only in one of its modes). */
export function useMyTasks(active: () => boolean = () => true): MyTasks {
  const db = useUserDb();
  const session = useSessionStore();
  const now = useNow();
  const today = computed(() => localDateTime(now.value).date);
  const userId = session.user?.id ?? '';
  const query = useLiveQuery(
    () => (active() ? loadMyTaskRows(db, userId, today.value) : ([] as MyTask[])),
    [] as MyTask[],
    [today, active],
  );
  const cards = computed(() => taskCards(query.value.value, now.value));
  return { cards, ready: query.ready, error: query.error, now };
}
