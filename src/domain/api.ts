/** HTTP contract shared by the server routes and the client's `api.ts`. */
import { z } from 'zod';
import { regionLevelSchema, roleSchema } from './enum-schemas';
import { idSchema, userSchema } from './entities';

export const deviceIdSchema = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, 'deviceId: 8–64 characters of [A-Za-z0-9_-]');

export const loginRequestSchema = z.strictObject({
  username: z.string().min(1).max(64),
  password: z.string().min(1).max(256),
  deviceId: deviceIdSchema,
});
export type LoginRequest = z.infer<typeof loginRequestSchema>;

/** What a signed-in user learns about themself: never password data. */
export const publicUserSchema = userSchema;
export type PublicUser = z.infer<typeof publicUserSchema>;

export const regionRefSchema = z.object({ id: idSchema, name: z.string(), level: regionLevelSchema, code: z.string() });
export type RegionRef = z.infer<typeof regionRefSchema>;

export const loginResponseSchema = z.object({
  token: z.string(),
  expiresAt: z.string(),
  user: publicUserSchema,
});
export type LoginResponse = z.infer<typeof loginResponseSchema>;

export const meResponseSchema = z.object({
  user: publicUserSchema,
  role: roleSchema,
  /** The root of the user's scope: their grid, township or county. */
  region: regionRefSchema,
  /** From the county down to `region`, for breadcrumbs ("示范县 / 城关镇 / 第1网格"). */
  regionPath: z.array(regionRefSchema),
});
export type MeResponse = z.infer<typeof meResponseSchema>;

export const healthResponseSchema = z.object({
  ok: z.boolean(),
  version: z.string(),
  db: z.enum(['pglite', 'postgres']),
  epoch: z.string(),
});
export type HealthResponse = z.infer<typeof healthResponseSchema>;

/** Every 4xx/5xx body. `code` is stable (see server/errors.ts), `message` is Chinese for the UI. */
export const apiErrorSchema = z.object({
  error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }),
});
export type ApiError = z.infer<typeof apiErrorSchema>;

/** Keyset paging for every list: `?limit=50&cursor=<opaque>`; `nextCursor` null on the last page. */
export const pageQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().max(200).optional(),
});
export type PageQuery = z.infer<typeof pageQuerySchema>;

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** Clients send the session token as `Authorization: Bearer <token>` and their device id as this header. */
export const DEVICE_HEADER = 'x-device-id';
