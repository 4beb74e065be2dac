import { NotFoundError, StorageFullError } from '../../../db/errors';
import { LEDGER_TEXT } from './text';

/** What to tell the user when a ledger write failed; the form keeps what they typed. */
export function saveErrorMessage(error: unknown): string {
  return error instanceof StorageFullError || error instanceof NotFoundError ? error.message : LEDGER_TEXT.saveFailed;
}
