import type { Lang } from '../knowledge';
import type { IsoDate } from './clock';

/**
 * The scheduler's records, as its stores read and write them: contacts, milestones and reports,
 * assessment results, outbox messages. Types only (and the assessment levels), so that the
 * modules that keep them and the messages that describe them need not import each other.
 */

/** 'asker': a conversation that handed a question to a department, for the reply (no binding). */
export type ContactKind = 'unit' | 'zone' | 'admin' | 'asker';

export interface Contact {
  id: number;
  conversationId: string;
  kind: ContactKind;
  target: string;
  name: string | null;
  lang: Lang;
  status: 'active' | 'inactive' | 'unbound';
  statusReason: string | null;
}

export type Audience = 'lead' | 'all';

export interface Milestone {
  id: number;
  itemId: string;
  title: string;
  due: IsoDate;
  audience: Audience;
  repeatMonths: number | null;
  seedKey: string | null;
  note: string | null;
  status: 'open' | 'done' | 'removed';
}

export interface Report {
  id: number;
  itemId: string;
  unit: string;
  contactName: string | null;
  kind: 'progress' | 'done';
  text: string;
  milestoneId: number | null;
  at: number;
}

export interface Completion {
  unit: string;
  /** The milestone this report closed for the unit; null when none of the item's open milestones is addressed to it. */
  milestone: Milestone | null;
  /** For a recurring duty closed by all its units: the next due date. */
  nextDue: IsoDate | null;
}

export const LEVELS = ['国家级', '省级'] as const;

export type Level = (typeof LEVELS)[number];

export interface AssessmentRow {
  year: number;
  zone: string;
  level: Level;
  score: number;
  line: number;
}

export interface AssessmentResult extends AssessmentRow {
  /** Among the year's 省级 zones, 1 = best; tied scores share a rank. Null for 国家级 zones. */
  rank: number | null;
  /** How many 省级 zones the year ranks. */
  ranked: number;
  warned: boolean;
  exitCandidate: boolean;
}

/** A question handed to a unit (scheduler/handoffs.ts). */
export interface Handoff {
  id: number;
  ref: string;
  question: string;
  lang: Lang;
  answerId: string | null;
  itemId: string | null;
  askerContactId: number;
  unit: string;
  status: 'open' | 'answered';
  deadline: IsoDate;
  createdAt: number;
  reply: string | null;
  repliedUnit: string | null;
  repliedAt: number | null;
}

export type MessageKind = 'reminder' | 'assessment' | 'notice';

export interface NewMessage {
  key: string;
  contactId: number;
  conversationId: string;
  kind: MessageKind;
  milestoneId?: number;
  milestoneDue?: IsoDate;
  /** The day it should reach the contact; sent on a later day, it says it is late. */
  dueDate: IsoDate;
  text: string;
  /** The hand-off the message asks its reader to answer (Q-2026-0042): the bot adds a form for the answer. */
  replyRef?: string;
}

export interface ClaimedMessage {
  id: number;
  kind: MessageKind;
  contactId: number;
  conversationId: string;
  contactKind: ContactKind;
  contactTarget: string;
  contactName: string | null;
  lang: Lang;
  reference: string;
  dueDate: IsoDate;
  text: string;
  replyRef: string | null;
  attempts: number;
  /** Until when this dispatcher holds the row: nobody else can claim it before. */
  leaseUntil: number;
}

export type OutboxStatus = 'pending' | 'sending' | 'sent' | 'dead' | 'cancelled';
