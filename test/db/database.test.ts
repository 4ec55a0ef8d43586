import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type Database, DatabaseFileError, openDatabase } from '../../db';

/** The SQLite database under the faults a disk gives: full, read-only, the file gone. */

let dir: string;
let db: Database;

beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'edz-db-'));
  db = await openDatabase(path.join(dir, 'edz.sqlite'));
  await db.exec('CREATE TABLE filler (id INTEGER PRIMARY KEY, value TEXT NOT NULL)');
});
afterEach(async () => {
  await db.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** A full disk as SQLite meets one: the file may not grow (SQLITE_FULL), the same error a full file system gives. */
async function fillTheDisk(): Promise<void> {
  const { page_count: pages } = (await db.get<{ page_count: number }>('PRAGMA page_count'))!;
  await db.exec(`PRAGMA max_page_count = ${pages + 2}`);
}

describe('a transaction that fails', () => {
  test('on a full disk, reports SQLITE_FULL, not the ROLLBACK that SQLite made pointless', async () => {
    await fillTheDisk();
    const filling = db.transaction(async () => {
      for (let i = 0; i < 50; i += 1) await db.run('INSERT INTO filler (value) VALUES (?)', ['x'.repeat(10_000)]);
    });
    await expect(filling).rejects.toMatchObject({ code: 'SQLITE_FULL', message: expect.stringContaining('database or disk is full') });
    // Nothing of it was kept, and the connection is usable again.
    expect(await db.get('SELECT COUNT(*) AS n FROM filler')).toEqual({ n: 0 });
    await expect(db.transaction(() => db.run('INSERT INTO filler (value) VALUES (?)', ['small']))).resolves.toEqual({ changes: 1 });
  });

  test('with an error of its own, is rolled back and reports that error', async () => {
    const failing = db.transaction(async () => {
      await db.run('INSERT INTO filler (value) VALUES (?)', ['kept?']);
      throw new Error('the work failed');
    });
    await expect(failing).rejects.toThrow('the work failed');
    expect(await db.get('SELECT COUNT(*) AS n FROM filler')).toEqual({ n: 0 });
  });
});

describe('the file deleted or replaced under an open database', () => {
  const write = () => db.transaction(() => db.run('INSERT INTO filler (value) VALUES (?)', ['lost?']));

  test('deleted: every write is refused, saying which file and what happened; reads still answer', async () => {
    await write();
    fs.rmSync(path.join(dir, 'edz.sqlite'));
    await expect(write()).rejects.toThrow(DatabaseFileError);
    await expect(write()).rejects.toThrow(
      `the database file ${path.join(dir, 'edz.sqlite')} was deleted while this process had it open: writes are refused`,
    );
    await expect(db.serialized(() => db.run('INSERT INTO filler (value) VALUES (?)', ['lost?']))).rejects.toThrow(DatabaseFileError);
    expect(() => db.assertWritable()).toThrow(DatabaseFileError);
    expect(await db.get('SELECT COUNT(*) AS n FROM filler')).toEqual({ n: 1 });
  });

  test('replaced by another file of the same name: refused too, even once the old one is back', async () => {
    const file = path.join(dir, 'edz.sqlite');
    fs.renameSync(file, `${file}.moved`);
    fs.writeFileSync(file, '');
    await expect(write()).rejects.toThrow('was replaced while this process had it open');
    fs.rmSync(file);
    fs.renameSync(`${file}.moved`, file);
    await expect(write()).rejects.toThrow(DatabaseFileError);
  });

  test('untouched, writes go on', async () => {
    await write();
    expect(() => db.assertWritable()).not.toThrow();
    expect(await db.get('SELECT COUNT(*) AS n FROM filler')).toEqual({ n: 1 });
  });
});

describe('opening a file that does not exist', () => {
  test('with create: false, is refused naming the file, and creates nothing', async () => {
    const missing = path.join(dir, 'elsewhere', 'edz.sqlite');
    await expect(openDatabase(missing, { create: false })).rejects.toThrow(`no database at ${missing}: check DB_PATH, or pass --create`);
    expect(fs.existsSync(path.dirname(missing))).toBe(false);
  });

  test('the project’s own file (no path given, no DB_PATH) is made even with create: false, as a new checkout needs', async () => {
    const saved = { cwd: process.cwd(), DB_PATH: process.env.DB_PATH, DATABASE_URL: process.env.DATABASE_URL };
    delete process.env.DB_PATH;
    delete process.env.DATABASE_URL;
    process.chdir(dir);
    try {
      const db = await openDatabase(undefined, { create: false });
      await db.close();
      expect(fs.existsSync(path.join(dir, 'data', 'edz.sqlite'))).toBe(true);
    } finally {
      process.chdir(saved.cwd);
      if (saved.DB_PATH !== undefined) process.env.DB_PATH = saved.DB_PATH;
      if (saved.DATABASE_URL !== undefined) process.env.DATABASE_URL = saved.DATABASE_URL;
    }
  });

  test('by default, creates it', async () => {
    const created = await openDatabase(path.join(dir, 'new.sqlite'));
    await created.close();
    expect(fs.existsSync(path.join(dir, 'new.sqlite'))).toBe(true);
  });
});
