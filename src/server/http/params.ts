import { z } from 'zod';
import { idSchema } from '../../domain/entities';
import { AppError } from '../errors';

const idParams = z.object({ id: z.string() });

/** The `:id` of a route; a malformed id is 400 `invalid_id` before any query runs. */
export function idParam(params: unknown): string {
  const { id } = idParams.parse(params);
  if (!idSchema.safeParse(id).success) throw new AppError('invalid_id', { path: 'params.id' });
  return id;
}
