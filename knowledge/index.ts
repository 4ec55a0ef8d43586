/** The knowledge capability's public surface: build and open the knowledge base, answer questions from it. */
import { type Database, openDatabase } from '../db';
import { AnswerEngine } from './engine';
import { type BuildReport, DEFAULT_SOURCE, ensureKnowledgeBase } from './store';

export { AnswerEngine } from './engine';
export type { Answer, AnswerContext, AnswerStatus, Coverage, NotCovered, Speaker } from './engine';
export type { ItemView, UnitView } from './answer/views';
export { recurringLabel, unitName, unitNamer } from './answer/compose';
export { type AnswerLog, type AnswerRecord, type LoggedAnswer, SqlAnswerLog, type Vote, type VoteOutcome } from './feedback';
export { type DirectoryUnit, loadDirectory } from './curated';
export type { Plan, Item } from './plan/types';
export { type BuildReport, DEFAULT_SOURCE, buildKnowledgeBase, ensureKnowledgeBase, exportItems, loadPlan } from './store';
export { MAX_QUESTION_CHARS } from './understand/normalize';
export { PROJECT_ROOT, projectPath } from './paths';
export type { Lang } from './understand/normalize';
export { detectLang } from './understand/normalize';

export interface Knowledge {
  db: Database;
  engine: AnswerEngine;
}

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
    return { db, engine: new AnswerEngine({ plan }) };
  } catch (err) {
    await db.close();
    throw err;
  }
}
