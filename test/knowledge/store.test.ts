import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import {
  CuratedDataError,
  DATA_DIR,
  checkDirectoryCoversPlan,
  checkOverlayCoversPlan,
  loadDirectory,
  loadOverlay,
  loadSpeech,
} from '../../knowledge/curated';
import { type Database, openDatabase } from '../../db';
import { parsePlan } from '../../knowledge/plan/parse';
import { DEFAULT_SOURCE, buildKnowledgeBase, ensureKnowledgeBase, exportItems, loadPlan } from '../../knowledge/store';

const run = promisify(execFile);
const source = fs.readFileSync(DEFAULT_SOURCE, 'utf8');
const plan = parsePlan(source);
let dir: string;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'edz-kb-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

async function withDb<T>(work: (db: Database) => Promise<T>): Promise<T> {
  const db = await openDatabase(path.join(dir, 'kb.sqlite'));
  try {
    return await work(db);
  } finally {
    await db.close();
  }
}

describe('the knowledge base in SQLite', () => {
  test('a build stores what the parser found, and reads back the same plan', async () => {
    await withDb(async (db) => {
      const report = await buildKnowledgeBase(db, source);
      expect(report).toMatchObject({ changed: true, items: 23, tasks: 20, units: 25, deadlines: 2 });
      expect(await loadPlan(db)).toEqual(plan);
      const mode = await db.get<{ journal_mode: string }>('PRAGMA journal_mode');
      expect(mode?.journal_mode).toBe('wal');
    });
  });

  test('a knowledge base that an older parser built from the same source is rebuilt at start', async () => {
    await withDb(async (db) => {
      await buildKnowledgeBase(db, source);
      // What an older parser stored: the document without the basis it is made under.
      await db.transaction(() =>
        db.run("UPDATE kb_meta SET value = ? WHERE key = 'document'", [JSON.stringify({ ...plan.document, basis: null })]),
      );
      expect((await loadPlan(db))?.document.basis).toBeNull();
      expect((await ensureKnowledgeBase(db)).document.basis).toContain('国办发〔2016〕14号');
      expect(await loadPlan(db)).toEqual(plan);
    });
  });

  test('a rebuild from the same source changes nothing', async () => {
    await withDb(async (db) => {
      await buildKnowledgeBase(db, source);
      const before = exportItems((await loadPlan(db))!);
      const again = await buildKnowledgeBase(db, source);
      expect(again.changed).toBe(false);
      expect(exportItems((await loadPlan(db))!)).toEqual(before);
    });
  });

  test('a failed build leaves the previous knowledge base as it was', async () => {
    await withDb(async (db) => {
      await buildKnowledgeBase(db, source);
      const before = await loadPlan(db);
      await expect(buildKnowledgeBase(db, '<html><body>not a plan</body></html>')).rejects.toThrow(/HTML/);
      // A source that parses but names a unit the directory lacks fails before anything is written.
      await expect(buildKnowledgeBase(db, source.replace('省统计局', '省大数据局'))).rejects.toThrow(/省大数据局/);
      expect(await loadPlan(db)).toEqual(before);
    });
  });

  test('a write that fails inside the transaction rolls back every table', async () => {
    await withDb(async (db) => {
      await buildKnowledgeBase(db, source);
      const before = await loadPlan(db);
      await expect(
        db.transaction(async () => {
          await db.run('DELETE FROM kb_items');
          throw new Error('crash mid-build');
        }),
      ).rejects.toThrow('crash mid-build');
      expect(await loadPlan(db)).toEqual(before);
    });
  });

  test('statements are kept for reuse without breaking later schema changes, many distinct queries, or closing', async () => {
    const file = path.join(dir, 'kept.sqlite');
    const db = await openDatabase(file);
    // A query that fails to prepare is not kept: it works once its table exists.
    await expect(db.all('SELECT n FROM numbers')).rejects.toThrow(/no such table/);
    await db.exec('CREATE TABLE numbers (n INTEGER)');
    await db.transaction(() => db.run('INSERT INTO numbers (n) VALUES (?)', [1]));
    expect(await db.all('SELECT n FROM numbers')).toEqual([{ n: 1 }]);
    // More distinct statements than the cache keeps, some of them concurrently.
    const sums = await Promise.all(Array.from({ length: 300 }, (_, i) => db.get<{ s: number }>(`SELECT n + ${i} AS s FROM numbers`)));
    expect(sums.map((r) => r?.s)).toEqual(Array.from({ length: 300 }, (_, i) => 1 + i));
    await db.close(); // SQLite refuses to close while any statement is left unfinalized.
    const reopened = await openDatabase(file);
    expect(await reopened.get('SELECT n FROM numbers')).toEqual({ n: 1 });
    await reopened.close();
  });
});

describe('the curated data files', () => {
  test('the department directory has every unit the plan names, with successors where names changed', () => {
    const directory = loadDirectory();
    expect(() => checkDirectoryCoversPlan(directory, plan)).not.toThrow();
    const land = directory.find((u) => u.name === '省国土资源厅')!;
    expect(land.successors.map((s) => s.name)).toContain('省自然资源厅');
    for (const name of ['省工商局', '省质监局']) {
      expect(directory.find((u) => u.name === name)!.successors.map((s) => s.fullName)).toContain('山东省市场监督管理局');
    }
    for (const u of directory) expect(u.sources.length).toBeGreaterThan(0);
  });

  test('a unit missing from the directory fails the check by name', () => {
    const directory = loadDirectory().filter((u) => u.name !== '省外办');
    expect(() => checkDirectoryCoversPlan(directory, plan)).toThrow(/省外办/);
  });

  test('the English overlay covers every action and item and nothing else', () => {
    const overlay = loadOverlay();
    expect(() => checkOverlayCoversPlan(overlay, plan)).not.toThrow();
    const { ['4.3']: _land, ...missing } = overlay.items;
    expect(() => checkOverlayCoversPlan({ ...overlay, items: { ...missing, '9.9': _land } }, plan)).toThrow(
      /item 4\.3 has no English entry.*item 9\.9 is not in the plan/,
    );
  });

  test('a malformed data file is refused with the path of what is wrong', () => {
    const file = path.join(dir, 'departments.json');
    fs.writeFileSync(file, JSON.stringify({ units: [{ name: '省商务厅', fullName: '', english: 'x', sources: [] }] }));
    expect(() => loadDirectory(file)).toThrow(CuratedDataError);
    expect(() => loadDirectory(file)).toThrow(/units\.0\.fullName/);
    fs.writeFileSync(file, '{ not json');
    expect(() => loadDirectory(file)).toThrow(/departments\.json/);
  });

  test('a unit split between successors of one reform must say which part each took over; speech.json’s patterns must compile', () => {
    const file = path.join(dir, 'departments.json');
    const split = loadDirectory().find((u) => u.name === '山东出入境检验检疫局')!;
    fs.writeFileSync(file, JSON.stringify({ units: [{ ...split, successors: split.successors.map(({ part: _part, ...s }) => s) }] }));
    expect(() => loadDirectory(file)).toThrow(/山东出入境检验检疫局 was split in 2018; its successor 济南海关 must say which part/);
    const speech = path.join(dir, 'speech.json');
    const good = JSON.parse(fs.readFileSync(path.join(DATA_DIR, 'speech.json'), 'utf8'));
    fs.writeFileSync(speech, JSON.stringify({ ...good, asks: { zh: ['(吗'], en: ['\\?'] } }));
    expect(() => loadSpeech(speech)).toThrow(/asks\.zh\.0: not a valid regular expression/);
    fs.writeFileSync(speech, JSON.stringify({ ...good, worldFacts: { kinds: [...good.worldFacts.kinds, good.worldFacts.kinds[0]] } }));
    expect(() => loadSpeech(speech)).toThrow(/ask kind price is listed twice/);
  });
});

describe('the kb command line', () => {
  const kb = (args: string[]) =>
    run(path.join('node_modules', '.bin', 'tsx'), ['knowledge/cli/kb.ts', ...args], {
      env: { ...process.env, DB_PATH: path.join(dir, 'cli.sqlite') },
    });

  test('build reports what it found; export prints all 23 items with leads and units', async () => {
    const build = await kb(['build', '--create']);
    expect(build.stdout).toMatch(/23 items \(20 tasks, 3 组织实施 items\)/);
    expect(build.stdout).toMatch(/25 responsible units/);
    const items = JSON.parse((await kb(['export'])).stdout) as Array<{ id: string; lead: string | null; units: string[] }>;
    expect(items).toHaveLength(23);
    expect(items.find((i) => i.id === '4.3')).toMatchObject({
      lead: '省国土资源厅',
      units: ['省国土资源厅', '省发展改革委', '省住房城乡建设厅', '省商务厅'],
    });
    expect(items.find((i) => i.id === 'O.2')).toMatchObject({ lead: null, units: [] });
  });

  test('a source that is no plan is refused with a clear message and nothing is written', async () => {
    const bad = path.join(dir, 'bad.txt');
    fs.writeFileSync(bad, '一、总体要求\n\n这是一份没有任务的文件。\n');
    await expect(kb(['build', '--create', '--source', bad])).rejects.toMatchObject({
      stderr: expect.stringMatching(/no 主要任务[\s\S]*nothing was written/),
    });
    await expect(kb(['export'])).rejects.toMatchObject({ stderr: expect.stringMatching(/no knowledge base yet/) });
  });
});
