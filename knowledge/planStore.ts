import type { Database } from '../db';
import type { Item, Plan, PlanDocument } from './plan/types';

/** Where the knowledge base is kept: the plan as parsed, with the hash of the source it came from. */
export interface PlanStore {
  /** The stored plan, or null when no knowledge base has been built into this database. */
  load(): Promise<Plan | null>;
  /** The hash of the source the stored plan was parsed from, or null. */
  sourceHash(): Promise<string | null>;
  /** Replaces the stored plan in one transaction: a failure leaves the previous one as it was. */
  replace(plan: Plan, sourceHash: string): Promise<void>;
}

const TABLES_CHILDREN_FIRST = ['kb_recurring', 'kb_deadlines', 'kb_item_units', 'kb_items', 'kb_actions', 'kb_meta'];

/** The plan in the kb_* tables, in plain SQL any of the project's databases runs. */
export class SqlPlanStore implements PlanStore {
  constructor(private readonly db: Database) {}

  async sourceHash(): Promise<string | null> {
    const row = await this.db.get<{ value: string }>("SELECT value FROM kb_meta WHERE key = 'source_hash'");
    return row?.value ?? null;
  }

  replace(plan: Plan, sourceHash: string): Promise<void> {
    return this.db.transaction(async () => {
      for (const table of TABLES_CHILDREN_FIRST) await this.db.run(`DELETE FROM ${table}`);
      await this.write(plan, sourceHash);
    });
  }

  private async write(plan: Plan, sourceHash: string): Promise<void> {
    const meta: Record<string, string> = {
      source_hash: sourceHash,
      document: JSON.stringify(plan.document),
      overall: JSON.stringify(plan.overall),
      sections: JSON.stringify(plan.sections),
    };
    for (const [key, value] of Object.entries(meta)) await this.db.run('INSERT INTO kb_meta (key, value) VALUES (?, ?)', [key, value]);
    for (const a of plan.actions) await this.db.run('INSERT INTO kb_actions (no, title) VALUES (?, ?)', [a.no, a.title]);
    for (const [seq, i] of plan.items.entries()) {
      await this.db.run(
        'INSERT INTO kb_items (id, seq, section, action_no, action_title, no, title, text, line) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
        [i.id, seq, i.section, i.actionNo, i.actionTitle, i.no, i.title, i.text, i.line],
      );
      for (const [position, unit] of i.units.entries()) {
        await this.db.run('INSERT INTO kb_item_units (item_id, position, unit) VALUES (?, ?, ?)', [i.id, position, unit]);
      }
    }
    for (const d of plan.deadlines) {
      await this.db.run('INSERT INTO kb_deadlines (item_id, year, due, sentence) VALUES (?, ?, ?, ?)', [
        d.itemId,
        d.year,
        d.due,
        d.sentence,
      ]);
    }
    for (const r of plan.recurring) {
      await this.db.run('INSERT INTO kb_recurring (item_id, keyword, sentence) VALUES (?, ?, ?)', [r.itemId, r.keyword, r.sentence]);
    }
  }

  async load(): Promise<Plan | null> {
    const meta = new Map(
      (await this.db.all<{ key: string; value: string }>('SELECT key, value FROM kb_meta')).map((r) => [r.key, r.value]),
    );
    if (!meta.has('document')) return null;
    const units = await this.db.all<{ item_id: string; unit: string }>(
      'SELECT item_id, unit FROM kb_item_units ORDER BY item_id, position',
    );
    const itemRows = await this.db.all<{
      id: string;
      section: Item['section'];
      action_no: number | null;
      action_title: string;
      no: number;
      title: string;
      text: string;
      line: number;
    }>('SELECT * FROM kb_items ORDER BY seq');
    const items: Item[] = itemRows.map((r) => {
      const own = units.filter((u) => u.item_id === r.id).map((u) => u.unit);
      return {
        id: r.id,
        section: r.section,
        actionNo: r.action_no,
        actionTitle: r.action_title,
        no: r.no,
        title: r.title,
        text: r.text,
        line: r.line,
        units: own,
        lead: own[0] ?? null,
        coUnits: own.slice(1),
      };
    });
    return {
      document: JSON.parse(meta.get('document')!) as PlanDocument,
      overall: JSON.parse(meta.get('overall') ?? 'null') as Plan['overall'],
      sections: JSON.parse(meta.get('sections') ?? '[]') as Plan['sections'],
      actions: await this.db.all('SELECT no, title FROM kb_actions ORDER BY no'),
      items,
      deadlines: (
        await this.db.all<{ item_id: string | null; year: number; due: string; sentence: string }>(
          'SELECT item_id, year, due, sentence FROM kb_deadlines ORDER BY id',
        )
      ).map((d) => ({ itemId: d.item_id, year: d.year, due: d.due, sentence: d.sentence })),
      recurring: (
        await this.db.all<{ item_id: string | null; keyword: string; sentence: string }>(
          'SELECT item_id, keyword, sentence FROM kb_recurring ORDER BY id',
        )
      ).map((r) => ({ itemId: r.item_id, keyword: r.keyword, sentence: r.sentence })),
    };
  }
}
