import crypto from 'node:crypto';
import fs from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import type { Database } from '../db';
import { checkDirectoryCoversPlan, checkOverlayCoversPlan, loadDirectory, loadOverlay } from './curated';
import { parsePlan } from './plan/parse';
import type { Plan } from './plan/types';
import { projectPath } from './paths';
import { SqlPlanStore } from './planStore';

export const DEFAULT_SOURCE = projectPath('knowledge', 'source', 'plan-lu-zheng-ban-zi-2016-202.txt');

export interface BuildReport {
  changed: boolean;
  items: number;
  tasks: number;
  units: number;
  deadlines: number;
  recurring: number;
  sourceHash: string;
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
  const store = new SqlPlanStore(db);
  const previous = await store.sourceHash();
  onProgress('writing the knowledge base');
  await store.replace(plan, sourceHash);
  return reportOf(plan, sourceHash, previous !== sourceHash);
}

/**
 * Builds the knowledge base when it is missing or the source changed since it was built, telling
 * `onBuilt` what it built and how long it took; returns the plan.
 */
export async function ensureKnowledgeBase(
  db: Database,
  sourceFile = DEFAULT_SOURCE,
  onBuilt: (report: BuildReport, ms: number) => void = () => undefined,
): Promise<Plan> {
  const source = fs.readFileSync(sourceFile, 'utf8');
  const store = new SqlPlanStore(db);
  // Rebuilt when the source changed, and also when this version of the parser reads it differently
  // from the one that built the stored knowledge base (a new field, a fixed sentence split).
  if ((await store.sourceHash()) !== hash(source) || !isDeepStrictEqual(await store.load(), parsePlan(source))) {
    const started = performance.now();
    const report = await buildKnowledgeBase(db, source);
    onBuilt(report, performance.now() - started);
  }
  return (await store.load())!;
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

/** The stored plan, or null when no knowledge base has been built into this database. */
export function loadPlan(db: Database): Promise<Plan | null> {
  return new SqlPlanStore(db).load();
}
