/**
 * Entities of SPEC §3 as zod schemas: the contract between client, server, sync and exports.
 * Field names are camelCase; SQL columns are their snake_case.
 */
import { z } from 'zod';
import { caseSourceSchema, caseStatusSchema, itemKindSchema, ledgerActionSchema, placeKindSchema, regionLevelSchema, riskLevelSchema, roleSchema, shiftSchema, subjectCategorySchema, subjectKindSchema, subjectStatusSchema, taskOrganizationSchema, taskStatusSchema, taskStyleSchema, violationCategorySchema, visitOutcomeSchema } from './enum-schemas';
import { withCanonicalKeys } from './canonical';
import { SHA256_RE, UUID_RE } from './ids';
import { isValidCreditCode, MASKED_ID_RE, isValidMobile } from './validators';

// Validation messages reach users — a rejected change's reason on the sync page, a 400's details —
// so zod speaks Chinese wherever these schemas are loaded (client and server alike).
z.config(z.locales.zhCN());

export const idSchema = z.string().regex(UUID_RE, 'must be a lowercase UUID');
export const sha256Schema = z.string().regex(SHA256_RE, 'must be a lowercase hex SHA-256');
/** ISO-8601 with an offset (Z or ±hh:mm). */
/** An ISO 8601 instant with its offset; year 0000 (no such year in PostgreSQL) is refused. */
export const instantSchema = z.iso.datetime({ offset: true }).refine((s) => !s.startsWith('0000'), { message: '年份不能为 0000' });
export const latSchema = z.number().min(-90).max(90);
export const lngSchema = z.number().min(-180).max(180);
export const versionSchema = z.number().int().nonnegative();

/**
 * The longest text each kind of field takes, in one place: the schemas below and the forms (their
 * maxlength and messages) use the same numbers.
 */
export const TEXT_MAX = {
  /** Names and titles. */
  short: 200,
  /** The reason of a ledger change: 入账, 变更, 出账, 重新入账. */
  reason: 1000,
  /** Why a task was completed with places of its route unvisited. */
  completionNote: 1000,
  /** An inspector's note on an answer, and a finding's description. */
  note: 2000,
  /** A finding derived from a violated answer: the item's text, '：' and the inspector's note. */
  finding: 4000,
  /** Why a visit's shift differs from the one its time gives. */
  shiftOverrideReason: 500,
  /** Visit notes, case summaries and case event notes. */
  long: 4000,
} as const;

const shortText = z.string().trim().min(1).max(TEXT_MAX.short);
const longText = z.string().max(TEXT_MAX.long);

export const creditCodeSchema = z
  .string()
  .refine(isValidCreditCode, { message: '统一社会信用代码校验位不正确' });
export const mobileSchema = z.string().refine(isValidMobile, { message: '手机号码格式不正确' });

export const polygonSchema = z.object({
  type: z.literal('Polygon'),
  coordinates: z.array(z.array(z.tuple([lngSchema, latSchema])).min(4)).min(1),
});
export type Polygon = z.infer<typeof polygonSchema>;

export const regionSchema = z.strictObject({
  id: idSchema,
  parentId: idSchema.nullable(),
  level: regionLevelSchema,
  name: shortText,
  code: z.string().min(1).max(32),
  boundary: polygonSchema.nullish(),
});
export type Region = z.infer<typeof regionSchema>;

export const userSchema = z.strictObject({
  id: idSchema,
  username: z.string().regex(/^[a-z0-9_.-]{3,32}$/),
  displayName: shortText,
  role: roleSchema,
  regionId: idSchema,
  phone: z.string().nullish(),
  certified: z.boolean(),
  certificateNo: z.string().max(64).nullish(),
  department: z.string().max(100).nullish(),
});
export type User = z.infer<typeof userSchema>;

export const placeSchema = z.strictObject({
  id: idSchema,
  gridId: idSchema,
  kind: placeKindSchema,
  name: shortText,
  address: z.string().trim().min(1).max(300),
  lat: latSchema,
  lng: lngSchema,
  managerIds: z.array(idSchema),
  riskLevel: riskLevelSchema,
  tags: z.array(z.string().min(1).max(40)).max(30),
  note: longText.nullish(),
  version: versionSchema,
});
export type Place = z.infer<typeof placeSchema>;

export const subjectSchema = z.strictObject({
  id: idSchema,
  kind: subjectKindSchema,
  category: subjectCategorySchema,
  name: shortText,
  creditCode: creditCodeSchema.nullish(),
  idNumberMasked: z.string().regex(MASKED_ID_RE).nullish(),
  phone: mobileSchema.nullish(),
  placeIds: z.array(idSchema),
  gridId: idSchema,
  status: subjectStatusSchema,
  listedAt: instantSchema,
  listedReason: z.string().trim().min(1).max(TEXT_MAX.reason),
  delistedAt: instantSchema.nullish(),
  delistedReason: z.string().max(TEXT_MAX.reason).nullish(),
  riskLevel: riskLevelSchema,
  version: versionSchema,
});
export type Subject = z.infer<typeof subjectSchema>;

export const ledgerEventSchema = z.strictObject({
  id: idSchema,
  subjectId: idSchema,
  action: ledgerActionSchema,
  at: instantSchema,
  by: idSchema,
  reason: z.string().max(TEXT_MAX.reason),
  diff: z.record(z.string(), z.object({ from: z.unknown(), to: z.unknown() })),
});
export type LedgerEvent = z.infer<typeof ledgerEventSchema>;

/** Conditions under which an item is shown (all must hold). */
export const itemAppliesToSchema = z.strictObject({
  placeKinds: z.array(placeKindSchema).optional(),
  shifts: z.array(shiftSchema).optional(),
  /** Shown only when the answer to another item equals this value. */
  when: z.strictObject({ itemCode: z.string(), equals: z.union([z.boolean(), z.string(), z.number()]) }).optional(),
  /** Shown when any of these alternatives holds (used by section I: training premises or A1 = 是). */
  anyOf: z
    .array(
      z.strictObject({
        placeKinds: z.array(placeKindSchema).optional(),
        when: z.strictObject({ itemCode: z.string(), equals: z.union([z.boolean(), z.string(), z.number()]) }).optional(),
      }),
    )
    .optional(),
});
export type ItemAppliesTo = z.infer<typeof itemAppliesToSchema>;

export const checklistItemSchema = z.strictObject({
  code: z.string().regex(/^[A-Z]\d{1,2}$/),
  section: z.string().regex(/^[A-Z]$/),
  text: z.string().min(1),
  kind: itemKindSchema,
  /** The answer that indicates a violation (yes/no items). */
  violationWhen: z.union([z.boolean(), z.string()]).optional(),
  evidenceOnViolation: z.boolean(),
  category: violationCategorySchema.nullable(),
  options: z.array(z.string()).optional(),
  appliesTo: itemAppliesToSchema.optional(),
});
export type ChecklistItem = z.infer<typeof checklistItemSchema>;

export const checklistTemplateSchema = z.strictObject({
  id: idSchema,
  code: z.string(),
  version: z.number().int().positive(),
  title: z.string(),
  appliesTo: z.strictObject({ placeKinds: z.array(placeKindSchema).optional() }),
  sections: z.array(z.strictObject({ code: z.string(), title: z.string(), category: violationCategorySchema.nullable() })),
  items: z.array(checklistItemSchema),
});
export type ChecklistTemplate = z.infer<typeof checklistTemplateSchema>;

export const drawSchema = z.strictObject({
  seed: z.string().min(1),
  placePool: z.array(idSchema),
  inspectorPool: z.array(idSchema),
  drawnAt: instantSchema,
  drawnBy: idSchema,
});
export type Draw = z.infer<typeof drawSchema>;

export const taskSchema = z.strictObject({
  id: idSchema,
  townshipId: idSchema,
  gridId: idSchema,
  title: shortText,
  assigneeIds: z.array(idSchema).min(1),
  placeIds: z.array(idSchema).min(1),
  shift: shiftSchema,
  style: taskStyleSchema,
  unannounced: z.boolean(),
  organization: taskOrganizationSchema,
  departments: z.array(z.string().min(1).max(60)),
  windowStart: instantSchema,
  windowEnd: instantSchema,
  dueAt: instantSchema,
  status: taskStatusSchema,
  caseId: idSchema.nullish(),
  draw: drawSchema.nullish(),
  createdBy: idSchema,
  /** Why the assignee finished with places of the route unvisited. */
  completionNote: z.string().max(TEXT_MAX.completionNote).nullish(),
  version: versionSchema,
});
export type Task = z.infer<typeof taskSchema>;

export const answerValueSchema = z.union([z.boolean(), z.number(), z.string(), z.null()]);
export type AnswerValue = z.infer<typeof answerValueSchema>;

// The objects of a visit parse with their keys in canonical order (withCanonicalKeys): the server
// hashes every visit it receives, and so takes the fast path of canonicalJson.
export const answerSchema = z.strictObject(
  withCanonicalKeys({
    itemCode: z.string(),
    value: answerValueSchema,
    note: z.string().max(TEXT_MAX.note).nullish(),
    evidence: z.array(sha256Schema),
    /** True when the value came from an automatic suggestion the inspector confirmed. */
    suggested: z.boolean().optional(),
  }),
);
export type Answer = z.infer<typeof answerSchema>;

export const findingSchema = z.strictObject(
  withCanonicalKeys({
    category: violationCategorySchema,
    description: z.string().min(1).max(TEXT_MAX.finding),
    evidence: z.array(sha256Schema),
  }),
);
export type Finding = z.infer<typeof findingSchema>;

export const positionSchema = z.strictObject(
  withCanonicalKeys({
    lat: latSchema,
    lng: lngSchema,
    accuracy: z.number().nonnegative(),
    at: instantSchema,
  }),
);
export type Position = z.infer<typeof positionSchema>;

export const visitSchema = z.strictObject(
  withCanonicalKeys({
    id: idSchema,
    taskId: idSchema.nullish(),
    placeId: idSchema,
    subjectIds: z.array(idSchema),
    inspectorIds: z.array(idSchema).min(1),
    shift: shiftSchema,
    shiftOverrideReason: z.string().max(TEXT_MAX.shiftOverrideReason).nullish(),
    style: taskStyleSchema,
    unannounced: z.boolean(),
    organization: taskOrganizationSchema,
    startedAt: instantSchema,
    endedAt: instantSchema,
    position: positionSchema.nullish(),
    distanceM: z.number().nonnegative().nullish(),
    templateId: idSchema,
    templateVersion: z.number().int().positive(),
    answers: z.array(answerSchema),
    findings: z.array(findingSchema),
    outcome: visitOutcomeSchema,
    note: longText.nullish(),
    deviceId: z.string().min(1).max(100),
    clockOffsetMs: z.number().int().nullish(),
    hash: sha256Schema,
    prevHash: sha256Schema.nullable(),
    amendsVisitId: idSchema.nullish(),
    /** A building manager's self-check of their own premises (section K), not an inspection. */
    selfCheck: z.boolean().optional(),
  }),
);
export type Visit = z.infer<typeof visitSchema>;

export const caseEventSchema = z.strictObject({
  /** Makes the event idempotent: a replayed event with a known id is not appended twice. */
  id: idSchema.optional(),
  at: instantSchema,
  by: idSchema,
  action: z.string().min(1).max(40),
  /** For transitions: the status after the event. */
  to: caseStatusSchema.optional(),
  note: longText.nullish(),
  evidence: z.array(sha256Schema),
});
export type CaseEvent = z.infer<typeof caseEventSchema>;

export const caseSchema = z.strictObject({
  id: idSchema,
  source: caseSourceSchema,
  placeId: idSchema.nullish(),
  address: z.string().max(300).nullish(),
  lat: latSchema.nullish(),
  lng: lngSchema.nullish(),
  subjectIds: z.array(idSchema),
  gridId: idSchema,
  townshipId: idSchema,
  categories: z.array(violationCategorySchema),
  summary: z.string().trim().min(1).max(TEXT_MAX.long),
  reportedAt: instantSchema,
  reportedBy: idSchema.nullish(),
  visitId: idSchema.nullish(),
  status: caseStatusSchema,
  deadlineAt: instantSchema.nullable(),
  publishable: z.boolean(),
  trackingCode: z.string().nullish(),
  events: z.array(caseEventSchema),
  version: versionSchema,
});
export type Case = z.infer<typeof caseSchema>;
