/**
 * zod schemas of the domain enums (src/domain/enums.ts), for validation at the edges. Kept apart from
 * the tuples so that code needing only the values (the client's first load) does not pull in zod.
 */
import { z } from 'zod';
import {
  ROLES,
  REGION_LEVELS,
  PLACE_KINDS,
  RISK_LEVELS,
  SUBJECT_KINDS,
  SUBJECT_CATEGORIES,
  SUBJECT_STATUSES,
  LEDGER_ACTIONS,
  ITEM_KINDS,
  VIOLATION_CATEGORIES,
  SHIFTS,
  TASK_STYLES,
  TASK_ORGANIZATIONS,
  TASK_STATUSES,
  VISIT_OUTCOMES,
  CASE_SOURCES,
  CASE_STATUSES,
  ENTITY_NAMES,
} from './enums';

export const roleSchema = z.enum(ROLES);
export const regionLevelSchema = z.enum(REGION_LEVELS);
export const placeKindSchema = z.enum(PLACE_KINDS);
export const riskLevelSchema = z.enum(RISK_LEVELS);
export const subjectKindSchema = z.enum(SUBJECT_KINDS);
export const subjectCategorySchema = z.enum(SUBJECT_CATEGORIES);
export const subjectStatusSchema = z.enum(SUBJECT_STATUSES);
export const ledgerActionSchema = z.enum(LEDGER_ACTIONS);
export const itemKindSchema = z.enum(ITEM_KINDS);
export const violationCategorySchema = z.enum(VIOLATION_CATEGORIES);
export const shiftSchema = z.enum(SHIFTS);
export const taskStyleSchema = z.enum(TASK_STYLES);
export const taskOrganizationSchema = z.enum(TASK_ORGANIZATIONS);
export const taskStatusSchema = z.enum(TASK_STATUSES);
export const visitOutcomeSchema = z.enum(VISIT_OUTCOMES);
export const caseSourceSchema = z.enum(CASE_SOURCES);
export const caseStatusSchema = z.enum(CASE_STATUSES);
export const entityNameSchema = z.enum(ENTITY_NAMES);
