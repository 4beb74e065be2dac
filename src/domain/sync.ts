/**
 * The sync protocol of SPEC §8: push and pull bodies, scope keys and cursors, and the names and
 * argument schemas of every mutation. Client and server both import these; the server's registry
 * (src/server/sync/mutations) binds each name to its handler.
 */
import { z } from 'zod';
import { MAX_PUSH_BATCH, type BlobUploadStatus } from './transfer';
import { caseStatusSchema, entityNameSchema } from './enum-schemas';
import {
  caseSchema,
  idSchema,
  instantSchema,
  placeSchema,
  sha256Schema,
  subjectSchema,
  TEXT_MAX,
  visitSchema,
} from './entities';

export const clientIdSchema = idSchema;
/**
 * `grid:<id>` and `place:<id>` buckets (SPEC §8), plus `global` for what every signed-in user needs
 * whatever their scope (the published checklist templates).
 */
export const GLOBAL_SCOPE = 'global';
export const scopeKeySchema = z
  .string()
  .regex(/^((grid|place):[0-9a-f-]{36}|global)$/, 'scope key: grid:<id>, place:<id> or global');

/**
 * A pull cursor: the (xid8, id) of the last row delivered in a scope, as `"<xid>:<id>"`.
 * `null` asks for a full snapshot of the scope.
 */
export const cursorSchema = z.string().regex(/^\d{1,20}:[0-9a-f-]{36}$/, 'cursor: <xid>:<uuid>');
export type Cursor = z.infer<typeof cursorSchema>;

export function encodeCursor(xid: string | bigint, id: string): Cursor {
  return `${xid.toString()}:${id}`;
}

export function decodeCursor(cursor: Cursor): { xid: string; id: string } {
  const i = cursor.indexOf(':');
  return { xid: cursor.slice(0, i), id: cursor.slice(i + 1) };
}

export const mutationNameSchema = z.string().regex(/^[a-z][a-zA-Z]*\.[a-z][a-zA-Z]*@\d+$/, 'name@version');

export const mutationSchema = z.strictObject({
  seq: z.number().int().positive(),
  name: mutationNameSchema,
  args: z.unknown(),
  at: instantSchema,
});
export type Mutation = z.infer<typeof mutationSchema>;

export const pushRequestSchema = z.strictObject({
  clientId: clientIdSchema,
  /** The device clock when the request was sent; the server records the offset to its own clock. */
  sentAt: instantSchema.optional(),
  mutations: z.array(mutationSchema).min(1).max(MAX_PUSH_BATCH),
});
export type PushRequest = z.infer<typeof pushRequestSchema>;

export const PUSH_STATUSES = ['applied', 'duplicate', 'rejected'] as const;
export const pushResultSchema = z.object({
  seq: z.number().int(),
  status: z.enum(PUSH_STATUSES),
  code: z.string().optional(),
  reason: z.string().optional(),
});
export type PushResult = z.infer<typeof pushResultSchema>;

export const pushResponseSchema = z.object({
  lastMutationId: z.number().int().nonnegative(),
  results: z.array(pushResultSchema),
});
export type PushResponse = z.infer<typeof pushResponseSchema>;

/** The answer to a chunk of a resumable blob upload and to `GET /api/blobs/:sha256/upload`. */
export const blobUploadStatusSchema = z.object({
  sha256: sha256Schema,
  complete: z.boolean(),
  offset: z.number().int().nonnegative(),
}) satisfies z.ZodType<BlobUploadStatus>;

export const MAX_PULL_LIMIT = 5000;

export const pullRequestSchema = z.strictObject({
  clientId: clientIdSchema,
  epoch: z.string().nullable(),
  cursors: z.record(scopeKeySchema, cursorSchema.nullable()),
  limit: z.number().int().min(1).max(MAX_PULL_LIMIT).optional(),
});
export type PullRequest = z.infer<typeof pullRequestSchema>;

export const changeSchema = z.object({
  entity: entityNameSchema,
  op: z.enum(['put', 'del']),
  id: z.string(),
  data: z.record(z.string(), z.unknown()).optional(),
});
export type Change = z.infer<typeof changeSchema>;

export const pullResponseSchema = z.object({
  epoch: z.string(),
  lastMutationId: z.number().int().nonnegative(),
  hasMore: z.boolean(),
  cursors: z.record(z.string(), cursorSchema.nullable()),
  dropScopes: z.array(z.string()),
  changes: z.array(changeSchema),
});
export type PullResponse = z.infer<typeof pullResponseSchema>;

// ---- mutation arguments -------------------------------------------------------------------------

const reasonSchema = z.string().trim().min(1).max(TEXT_MAX.reason);

/** Field patches of places and subjects: last writer wins per field, checked against baseVersion. */
export const placePatchSchema = placeSchema.pick({
  name: true,
  address: true,
  lat: true,
  lng: true,
  riskLevel: true,
  tags: true,
  note: true,
  managerIds: true,
  kind: true,
}).partial();

export const subjectPatchSchema = subjectSchema.pick({
  name: true,
  category: true,
  creditCode: true,
  idNumberMasked: true,
  phone: true,
  placeIds: true,
  riskLevel: true,
}).partial();

export const MUTATION_ARGS = {
  'visit.submit@1': z.strictObject({ visit: visitSchema }),
  'visit.amend@1': z.strictObject({ visit: visitSchema.required({ amendsVisitId: true }) }),
  'task.start@1': z.strictObject({ taskId: idSchema, at: instantSchema }),
  'task.complete@1': z.strictObject({
    taskId: idSchema,
    at: instantSchema,
    visitIds: z.array(idSchema),
    /** Why places of the route stayed unvisited (optional: older clients never send it). */
    note: z.string().trim().min(1).max(TEXT_MAX.completionNote).optional(),
  }),
  'subject.create@1': z.strictObject({
    subject: subjectSchema.omit({ version: true }),
    eventId: idSchema,
  }),
  'subject.update@1': z.strictObject({
    id: idSchema,
    baseVersion: z.number().int().nonnegative(),
    patch: subjectPatchSchema,
    reason: reasonSchema,
    eventId: idSchema,
    at: instantSchema,
  }),
  'subject.delist@1': z.strictObject({ id: idSchema, reason: reasonSchema, eventId: idSchema, at: instantSchema }),
  'subject.relist@1': z.strictObject({ id: idSchema, reason: reasonSchema, eventId: idSchema, at: instantSchema }),
  'place.update@1': z.strictObject({
    id: idSchema,
    baseVersion: z.number().int().nonnegative(),
    patch: placePatchSchema,
  }),
  'case.open@1': z.strictObject({ case: caseSchema.omit({ version: true }) }),
  'case.transition@1': z.strictObject({
    caseId: idSchema,
    eventId: idSchema,
    to: caseStatusSchema,
    at: instantSchema,
    note: z.string().max(4000).nullish(),
    evidence: z.array(sha256Schema),
  }),
} as const;

export type MutationName = keyof typeof MUTATION_ARGS;
export type MutationArgs<N extends MutationName> = z.infer<(typeof MUTATION_ARGS)[N]>;
