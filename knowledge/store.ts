import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import type { Database, Migration } from './database';
import { checkDirectoryCoversPlan, checkOverlayCoversPlan, loadDirectory, loadOverlay } from './curated';
import { parsePlan } from './plan/parse';
import type { Item, Plan, PlanDocument } from './plan/types';

export const DEFAULT_SOURCE = path.join(__dirname, 'source', 'plan-lu-zheng-ban-zi-2016-202.txt');

const MIGRATIONS: Migration[] = [
  {
    version: 1,
    sql: `
      CREATE TABLE kb_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
      CREATE TABLE kb_actions (no INTEGER PRIMARY KEY, title TEXT NOT NULL);
      CREATE TABLE kb_items (
        id TEXT PRIMARY KEY, seq INTEGER NOT NULL UNIQUE, section TEXT NOT NULL, action_no INTEGER,
        action_title TEXT NOT NULL, no INTEGER NOT NULL, title TEXT NOT NULL, text TEXT NOT NULL, line INTEGER NOT NULL);
      CREATE TABLE kb_item_units (
        item_id TEXT NOT NULL REFERENCES kb_items(id) ON DELETE CASCADE, position INTEGER NOT NULL, unit TEXT NOT NULL,
        PRIMARY KEY (item_id, position), UNIQUE (item_id, unit));
      CREATE TABLE kb_deadlines (
        id INTEGER PRIMARY KEY, item_id TEXT REFERENCES kb_items(id) ON DELETE CASCADE, year INTEGER NOT NULL,
        due TEXT NOT NULL, sentence TEXT NOT NULL);
      CREATE TABLE kb_recurring (
        id INTEGER PRIMARY KEY, item_id TEXT REFERENCES kb_items(id) ON DELETE CASCADE, keyword TEXT NOT NULL,
        sentence TEXT NOT NULL);
    `,
  },
];

export interface BuildReport {
  changed: boolean;
  items: number;
  tasks: number;
  units: number;
  deadlines: number;
  recurring: number;
  sourceHash: string;
}

export async function migrateKnowledgeBase(db: Database): Promise<void> {
  await db.migrate('kb', MIGRATIONS);
}

function hash(text: string): string {
  return crypto.createHash('sha256').update(text).digest('hex');
}

function reportOf(plan: Plan, sourceHash: string, changed: boolean): BuildReport {
  return {
    changed,
    items: plan.items.length,
    tasks: plan.items.filter((i) => i.section === 'tasks').length,
    units: new Set(plan.items.flatMap((i) => i.units)).size,
    deadlines: plan.deadlines.length,
    recurring: plan.recurring.length,
    sourceHash,
  };
}

/**
 * Parses the source, checks it against the curated directory and overlay, and replaces the
 * stored knowledge base in one transaction: a failure anywhere leaves the previous one as it was.
 */
export async function buildKnowledgeBase(
  db: Database,
  source: string,
  onProgress: (step: string) => void = () => undefined,
): Promise<BuildReport> {
  onProgress('parsing the plan');
  const plan = parsePlan(source);
  onProgress('checking the department directory and the English overlay');
  checkDirectoryCoversPlan(loadDirectory(), plan);
  checkOverlayCoversPlan(loadOverlay(), plan);
  const sourceHash = hash(source);
  await migrateKnowledgeBase(db);
  const previous = await db.get<{ value: string }>("SELECT value FROM kb_meta WHERE key = 'source_hash'");
  onProgress('writing the knowledge base');
  await db.transaction(async () => {
    for (const table of ['kb_recurring', 'kb_deadlines', 'kb_item_units', 'kb_items', 'kb_actions', 'kb_meta']) {
      await db.run(`DELETE FROM ${table}`);
    }
    await writePlan(db, plan, sourceHash);
  });
  return reportOf(plan, sourceHash, previous?.value !== sourceHash);
}

async function writePlan(db: Database, plan: Plan, sourceHash: string): Promise<void> {
  const meta: Record<string, string> = {
    source_hash: sourceHash,
    document: JSON.stringify(plan.document),
    overall: JSON.stringify(plan.overall),
    sections: JSON.stringify(plan.sections),
  };
  for (const [key, value] of Object.entries(meta)) await db.run('INSERT INTO kb_meta (key, value) VALUES (?, ?)', [key, value]);
  for (const a of plan.actions) await db.run('INSERT INTO kb_actions (no, title) VALUES (?, ?)', [a.no, a.title]);
  for (const [seq, i] of plan.items.entries()) {
    await db.run(
      'INSERT INTO kb_items (id, seq, section, action_no, action_title, no, title, text, line) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
      [i.id, seq, i.section, i.actionNo, i.actionTitle, i.no, i.title, i.text, i.line],
    );
    for (const [position, unit] of i.units.entries()) {
      await db.run('INSERT INTO kb_item_units (item_id, position, unit) VALUES (?, ?, ?)', [i.id, position, unit]);
    }
  }
  for (const d of plan.deadlines) {
    await db.run('INSERT INTO kb_deadlines (item_id, year, due, sentence) VALUES (?, ?, ?, ?)', [d.itemId, d.year, d.due, d.sentence]);
  }
  for (const r of plan.recurring) {
    await db.run('INSERT INTO kb_recurring (item_id, keyword, sentence) VALUES (?, ?, ?)', [r.itemId, r.keyword, r.sentence]);
  }
}

/** The stored plan, or null when no knowledge base has been built into this database. */
export async function loadPlan(db: Database): Promise<Plan | null> {
  await migrateKnowledgeBase(db);
  const meta = new Map(
    (await db.all<{ key: string; value: string }>('SELECT key, value FROM kb_meta')).map((r) => [r.key, r.value]),
  );
  if (!meta.has('document')) return null;
  const units = await db.all<{ item_id: string; unit: string }>('SELECT item_id, unit FROM kb_item_units ORDER BY item_id, position');
  const itemRows = await db.all<{
    id: string; section: Item['section']; action_no: number | null; action_title: string; no: number; title: string; text: string; line: number;
  }>('SELECT * FROM kb_items ORDER BY seq');
  const items: Item[] = itemRows.map((r) => {
    const own = units.filter((u) => u.item_id === r.id).map((u) => u.unit);
    return {
      id: r.id, section: r.section, actionNo: r.action_no, actionTitle: r.action_title, no: r.no, title: r.title,
      text: r.text, line: r.line, units: own, lead: own[0] ?? null, coUnits: own.slice(1),
    };
  });
  return {
    document: JSON.parse(meta.get('document')!) as PlanDocument,
    overall: JSON.parse(meta.get('overall') ?? 'null') as Plan['overall'],
    sections: JSON.parse(meta.get('sections') ?? '[]') as Plan['sections'],
    actions: await db.all('SELECT no, title FROM kb_actions ORDER BY no'),
    items,
    deadlines: (await db.all<{ item_id: string | null; year: number; due: string; sentence: string }>(
      'SELECT item_id, year, due, sentence FROM kb_deadlines ORDER BY id',
    )).map((d) => ({ itemId: d.item_id, year: d.year, due: d.due, sentence: d.sentence })),
    recurring: (await db.all<{ item_id: string | null; keyword: string; sentence: string }>(
      'SELECT item_id, keyword, sentence FROM kb_recurring ORDER BY id',
    )).map((r) => ({ itemId: r.item_id, keyword: r.keyword, sentence: r.sentence })),
  };
}

/** Builds the knowledge base when it is missing or the source changed since it was built; returns the plan. */
export async function ensureKnowledgeBase(db: Database, sourceFile = DEFAULT_SOURCE): Promise<Plan> {
  const source = fs.readFileSync(sourceFile, 'utf8');
  await migrateKnowledgeBase(db);
  const stored = await db.get<{ value: string }>("SELECT value FROM kb_meta WHERE key = 'source_hash'");
  // Rebuilt when the source changed, and also when this version of the parser reads it differently
  // from the one that built the stored knowledge base (a new field, a fixed sentence split).
  if (stored?.value !== hash(source) || !isDeepStrictEqual(await loadPlan(db), parsePlan(source))) await buildKnowledgeBase(db, source);
  return (await loadPlan(db))!;
}

/** The export format of `npm run kb -- export`: the items in document order. */
export function exportItems(plan: Plan) {
  return plan.items.map((i) => ({
    id: i.id,
    action: i.section === 'tasks' ? i.actionTitle : null,
    title: i.title,
    lead: i.lead,
    units: i.units,
    deadlines: plan.deadlines.filter((d) => d.itemId === i.id).map((d) => ({ year: d.year, due: d.due, sentence: d.sentence })),
    recurring: plan.recurring.filter((r) => r.itemId === i.id).map((r) => ({ keyword: r.keyword, sentence: r.sentence })),
    text: i.text,
  }));
}
