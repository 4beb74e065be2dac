/** The signed-in worker's task cards as a live query, re-read when the business date changes. */
import { computed, type ComputedRef } from 'vue';
import { localDateTime } from '../../../../domain/calendar';
import { useLiveQuery, type LiveQuery } from '../../../composables/useLiveQuery';
import { useUserDb } from '../../../db/current';
import { useSessionStore } from '../../../stores/session';
import { taskTiming } from '../../../../domain/tasks';
import { loadMyTasks, type TaskCardData } from './tasks';
import { useNow } from './useNow';

export function useMyTasks(): LiveQuery<TaskCardData[]> & { cards: ComputedRef<TaskCardData[]> } {
  const db = useUserDb();
  const session = useSessionStore();
  const now = useNow();
  const today = computed(() => localDateTime(now.value).date);
  const userId = session.user?.id ?? '';
  const query = useLiveQuery(() => loadMyTasks(db, userId, new Date()), [], [today]);
  // Timing moves with the clock between re-reads (a task due 14:00 turns overdue at 14:01).
  const cards = computed(() => query.value.value.map((c) => ({ ...c, timing: taskTiming(c.task, now.value) })));
  return { ...query, cards };
}
