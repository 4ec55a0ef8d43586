import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SqlWebEventStore } from '../../bot/web/events';
import { type Database, openDatabase } from '../../db';
import { databaseIn } from '../support/backends';

/** The store of what web pages have not acknowledged (bot/web/events.ts). */

let dir: string;
let db: Database;
let events: SqlWebEventStore;
const DAY = 86_400_000;
const now = Date.parse('2027-03-01T09:00:00+08:00');

beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'edz-events-'));
  db = await openDatabase(await databaseIn(dir));
  events = new SqlWebEventStore(db);
});
afterEach(async () => {
  await db.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const message = (text: string) => ({ type: 'message', text });

test('ids increase per store and are never given again, even after every event was acknowledged', async () => {
  const a = await events.add('web-a', message('one'), now);
  const b = await events.add('web-b', message('two'), now);
  expect(b).toBeGreaterThan(a);
  await events.acknowledge('web-b', b);
  await events.acknowledge('web-a', a);
  // A page that has "everything up to b" must not miss the next one.
  expect(await events.add('web-b', message('three'), now)).toBeGreaterThan(b);
});

test('a conversation sees only its own events after the one it has; acknowledging deletes them', async () => {
  const first = await events.add('web-a', message('one'), now);
  await events.add('web-b', message('other'), now);
  const second = await events.add('web-a', message('two'), now);
  expect((await events.after('web-a', 0)).map((e) => e.activity.text)).toEqual(['one', 'two']);
  expect(await events.after('web-a', first)).toEqual([{ id: second, activity: message('two') }]);
  await events.acknowledge('web-a', first);
  expect(await db.get("SELECT COUNT(*) AS n FROM bot_web_events WHERE conversation_id = 'web-a'")).toEqual({ n: 1 });
});

test('what no page acknowledged within the retention is pruned, the rest kept', async () => {
  await events.add('web-a', message('old'), now - 31 * DAY);
  await events.add('web-a', message('recent'), now - DAY);
  expect(await events.prune(now - 30 * DAY)).toBe(1);
  expect((await events.after('web-a', 0)).map((e) => e.activity.text)).toEqual(['recent']);
});
