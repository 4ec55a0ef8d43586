import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ETagConflictError, DatabaseStorage } from '../../bot/storage';
import { type Database, openDatabase } from '../../db';
import { databaseIn } from '../support/backends';

let dir: string;
let db: Database;
let storage: DatabaseStorage;

beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'edz-storage-'));
  db = await openDatabase(await databaseIn(dir, 'state.sqlite'));
  storage = new DatabaseStorage(db);
});
afterEach(async () => {
  await db.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('DatabaseStorage', () => {
  test('reading unknown keys returns nothing for them, and no keys at all is fine', async () => {
    await storage.write({ known: { n: 1 } });
    expect(await storage.read(['unknown', 'other'])).toEqual({});
    expect(Object.keys(await storage.read(['known', 'unknown']))).toEqual(['known']);
    expect(await storage.read([])).toEqual({});
  });

  test('an item reads back as written, with an eTag that changes on every write', async () => {
    await storage.write({ a: { answerContext: { itemId: '4.3' }, nested: [1, 'two'] } });
    const first = (await storage.read(['a'])).a;
    expect(first).toMatchObject({ answerContext: { itemId: '4.3' }, nested: [1, 'two'] });
    expect(typeof first.eTag).toBe('string');
    await storage.write({ a: { ...first, answerContext: { itemId: '2.2' } } });
    const second = (await storage.read(['a'])).a;
    expect(second.answerContext).toEqual({ itemId: '2.2' });
    expect(second.eTag).not.toBe(first.eTag);
  });

  test('a write with a stale eTag fails and leaves the stored item as it was', async () => {
    await storage.write({ a: { v: 1 } });
    const read1 = (await storage.read(['a'])).a;
    const read2 = (await storage.read(['a'])).a;
    await storage.write({ a: { ...read1, v: 2 } });
    await expect(storage.write({ a: { ...read2, v: 3 } })).rejects.toThrow(ETagConflictError);
    expect((await storage.read(['a'])).a.v).toBe(2);
  });

  test('eTag "*" and a missing eTag overwrite whatever is stored', async () => {
    await storage.write({ a: { v: 1 } });
    await storage.write({ a: { v: 2, eTag: '*' } });
    expect((await storage.read(['a'])).a.v).toBe(2);
    await storage.write({ a: { v: 3 } });
    expect((await storage.read(['a'])).a.v).toBe(3);
  });

  test('a batch with one conflict writes none of its items', async () => {
    await storage.write({ a: { v: 1 } });
    await expect(storage.write({ b: { v: 1 }, a: { v: 2, eTag: 'not-the-stored-one' } })).rejects.toThrow(/eTag conflict/);
    expect(await storage.read(['a', 'b'])).toEqual({ a: expect.objectContaining({ v: 1 }) });
  });

  test('delete removes the items; deleting unknown keys is not an error', async () => {
    await storage.write({ a: { v: 1 }, b: { v: 2 } });
    await storage.delete(['a', 'unknown']);
    expect(Object.keys(await storage.read(['a', 'b']))).toEqual(['b']);
    await storage.delete([]);
    expect(await storage.count()).toBe(1);
  });

  test('items survive closing and reopening the database', async () => {
    await storage.write({ 'test/conversations/c1': { answerContext: { itemId: '4.3' } } });
    await db.close();
    db = await openDatabase(await databaseIn(dir, 'state.sqlite'));
    storage = new DatabaseStorage(db);
    expect((await storage.read(['test/conversations/c1']))['test/conversations/c1'].answerContext).toEqual({ itemId: '4.3' });
  });
});
