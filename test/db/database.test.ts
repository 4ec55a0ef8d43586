import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type Database, openDatabase } from '../../db';

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
