/** The knowledge capability's public surface: build and open the knowledge base, answer questions from it. */
import { type Database, openDatabase } from '../db';
import { AnswerEngine } from './engine';
import { DEFAULT_SOURCE, ensureKnowledgeBase } from './store';

export { AnswerEngine } from './engine';
export type { Answer, AnswerContext, AnswerStatus } from './engine';
export type { ItemView, UnitView } from './answer/views';
export { recurringLabel, unitName } from './answer/compose';
export { type DirectoryUnit, loadDirectory } from './curated';
export type { Plan, Item } from './plan/types';
export { DEFAULT_SOURCE, buildKnowledgeBase, ensureKnowledgeBase, exportItems, loadPlan } from './store';
export { MAX_QUESTION_CHARS } from './understand/normalize';
export type { Lang } from './understand/normalize';
export { detectLang } from './understand/normalize';

export interface Knowledge {
  db: Database;
  engine: AnswerEngine;
}

/** Opens the database, builds the knowledge base when it is missing or its source changed, and starts the engine. */
export async function openKnowledge(options: { dbPath?: string; sourceFile?: string } = {}): Promise<Knowledge> {
  const db = await openDatabase(options.dbPath);
  try {
    const plan = await ensureKnowledgeBase(db, options.sourceFile ?? DEFAULT_SOURCE);
    return { db, engine: new AnswerEngine({ plan }) };
  } catch (err) {
    await db.close();
    throw err;
  }
}
