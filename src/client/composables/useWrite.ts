/**
 * A view's write to the local database: `saving` while it runs, and `failure` in the user's words
 * (`userMessage`) when it threw. The view keeps what the user entered, so they can try again.
 */
import { ref, type Ref } from 'vue';
import { userMessage } from '../db/errors';

export interface Write {
  saving: Readonly<Ref<boolean>>;
  failure: Ref<string | null>;
  /** Runs `run`; true when it succeeded, false when it threw (then `failure` says why). */
  write: (run: () => Promise<void>) => Promise<boolean>;
}

/** `fallback`: what to say when the error has no message of ours (see `userMessage`). */
export function useWrite(fallback: string): Write {
  const saving = ref(false);
  const failure = ref<string | null>(null);

  async function write(run: () => Promise<void>): Promise<boolean> {
    saving.value = true;
    failure.value = null;
    try {
      await run();
      return true;
    } catch (error) {
      failure.value = userMessage(error, fallback);
      return false;
    } finally {
      saving.value = false;
    }
  }

  return { saving, failure, write };
}
