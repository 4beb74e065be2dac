import { z } from 'zod';
import { idSchema } from '../../domain/entities';
import { SHA256_RE } from '../../domain/ids';
import { AppError } from '../errors';

const idParams = z.object({ id: z.string() });
const shaParams = z.object({ sha256: z.string() });

/** The `:id` of a route; a malformed id is 400 `invalid_id` before any query runs. */
export function idParam(params: unknown): string {
  const { id } = idParams.parse(params);
  if (!idSchema.safeParse(id).success) throw new AppError('invalid_id', { path: 'params.id' });
  return id;
}

/** The `:sha256` of a blob route; a malformed hash is 400 `invalid_id` like a malformed id. */
export function sha256Param(params: unknown): string {
  const { sha256 } = shaParams.parse(params);
  if (!SHA256_RE.test(sha256)) throw new AppError('invalid_id', { path: 'params.sha256' });
  return sha256;
}
