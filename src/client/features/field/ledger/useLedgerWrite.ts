import { ref, type Ref } from 'vue';
import { NotFoundError, StorageFullError } from '../../../db/errors';
import { LEDGER_TEXT } from './text';

/** What to tell the user when a ledger write failed; the form keeps what they typed. */
export function saveErrorMessage(error: unknown): string {
  return error instanceof StorageFullError || error instanceof NotFoundError ? error.message : LEDGER_TEXT.saveFailed;
}

/** A ledger view's write: `saving` while it runs, and `failure`, in the user's words, when it threw. */
export function useLedgerWrite(): {
  saving: Ref<boolean>;
  failure: Ref<string | null>;
  write: (run: () => Promise<void>) => Promise<void>;
} {
  const saving = ref(false);
  const failure = ref<string | null>(null);

  async function write(run: () => Promise<void>): Promise<void> {
    saving.value = true;
    failure.value = null;
    try {
      await run();
    } catch (error) {
      failure.value = saveErrorMessage(error);
    } finally {
      saving.value = false;
    }
  }

  return { saving, failure, write };
}
