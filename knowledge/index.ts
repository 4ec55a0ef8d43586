/** The knowledge capability's public surface: build and open the knowledge base, answer questions from it. */
import { type Database, openDatabase } from '../db';
import { AnswerEngine } from './engine';
import { type FaqStore, SqlFaqStore } from './faq';
import type { Plan } from './plan/types';
import { type BuildReport, DEFAULT_SOURCE, ensureKnowledgeBase } from './store';

export { AnswerEngine } from './engine';
export type { Answer, AnswerContext, AnswerStatus, Coverage, NotCovered, Speaker } from './engine';
export type { ItemView, UnitView } from './answer/views';
export { recurringLabel, unitName, unitNamer } from './answer/compose';
export { type AnswerLog, type AnswerRecord, type LoggedAnswer, SqlAnswerLog, type Vote, type VoteOutcome } from './feedback';
export { type DirectoryUnit, loadDirectory } from './curated';
export type { Plan, Item } from './plan/types';
export { type BuildReport, DEFAULT_SOURCE, buildKnowledgeBase, ensureKnowledgeBase, exportItems, loadPlan } from './store';
export {
  type FaqChanges,
  type FaqCsvRow,
  type FaqEntry,
  type FaqInput,
  type FaqStore,
  FaqError,
  MAX_FAQ_CSV_BYTES,
  QUESTION_SEPARATOR,
  SqlFaqStore,
  faqCsv,
  parseFaqCsv,
} from './faq';
export { MAX_QUESTION_CHARS } from './understand/normalize';
export { PROJECT_ROOT, projectPath } from './paths';
export type { Lang } from './understand/normalize';
export { detectLang } from './understand/normalize';

export interface Knowledge {
  db: Database;
  engine: AnswerEngine;
  faq: FaqStore;
}

/** How often a running server reads the FAQ's revision (one row) to see an admin's change from another process. */
export const FAQ_REFRESH_MS = 10_000;

export interface KnowledgeOptions {
  dbPath?: string;
  /** Create the database file when it does not exist (the default). */
  create?: boolean;
  sourceFile?: string;
  /** Told when the knowledge base had to be built (first start, a new source or parser). */
  onBuilt?: (report: BuildReport, ms: number) => void;
}

/** Opens the database, builds the knowledge base when it is missing or its source changed, and starts the engine. */
export async function openKnowledge(options: KnowledgeOptions = {}): Promise<Knowledge> {
  const db = await openDatabase(options.dbPath, { create: options.create });
  try {
    const plan = await ensureKnowledgeBase(db, options.sourceFile ?? DEFAULT_SOURCE, options.onBuilt);
    const engine = new AnswerEngine({ plan });
    const faq = faqStoreFor(db, plan);
    engine.setFaq(await faq.list());
    return { db, engine, faq };
  } catch (err) {
    await db.close();
    throw err;
  }
}

/** The FAQ store of a database, checking units against the plan's. */
export function faqStoreFor(db: Database, plan: Plan): FaqStore {
  return new SqlFaqStore(db, planUnitCheck(plan));
}

/** Whether a name is a unit of the plan, as the plan names it: what an FAQ entry's unit must be. */
export function planUnitCheck(plan: Plan): (name: string) => boolean {
  const units = new Set(plan.items.flatMap((i) => i.units));
  return (name) => units.has(name);
}

/**
 * Keeps the engine's FAQ entries as the store has them: every `everyMs` it reads the revision
 * (one row) and reloads the entries only when it changed. The admin CLI writes from another
 * process, so a change reaches the chat within `everyMs`. Returns the function that stops it.
 */
export function refreshFaq(
  engine: AnswerEngine,
  faq: FaqStore,
  { everyMs = FAQ_REFRESH_MS, onError }: { everyMs?: number; onError?: (err: unknown) => void } = {},
): () => void {
  // Unknown at first: the first check reloads, so a change between the start's list() and here is not missed.
  let seen: string | null | undefined;
  let checking = false;
  const check = async () => {
    if (checking) return;
    checking = true;
    try {
      const now = await faq.revision();
      if (now === seen) return;
      engine.setFaq(await faq.list());
      seen = now;
    } finally {
      checking = false;
    }
  };
  const timer = setInterval(() => void check().catch((err: unknown) => onError?.(err)), everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
