import { type Activity, TestAdapter } from 'botbuilder';
import { turnErrorHandler } from '../../bot/adapter';
import { createBot } from '../../bot/bot';
import { DatabaseStorage } from '../../bot/storage';
import { openDatabase } from '../../db';
import { type AnswerEngine, openKnowledge } from '../../knowledge';
import { type CapturedLogs, captureLogs } from './logs';

export type Reply = Partial<Activity>;

/** The answering engine over a knowledge base built in memory; close it when the suite ends. */
export async function openEngine(): Promise<{ engine: AnswerEngine; close: () => Promise<void> }> {
  const { db, engine } = await openKnowledge({ dbPath: ':memory:' });
  return { engine, close: () => db.close() };
}

export interface TestBot {
  adapter: TestAdapter;
  logs: CapturedLogs;
  /** Closes the bot's database, as a stopping process would. */
  close(): Promise<void>;
}

/** The real bot (activity handler, dialogs, SQLite state, turn error handler) behind botbuilder's TestAdapter. */
export async function startTestBot(engine: AnswerEngine, stateFile: string): Promise<TestBot> {
  const db = await openDatabase(stateFile);
  const storage = new DatabaseStorage(db);
  const logs = captureLogs();
  const { bot, conversationState } = createBot({ engine, storage, logger: logs.logger });
  const adapter = new TestAdapter((context) => bot.run(context));
  adapter.onTurnError = turnErrorHandler(conversationState, logs.logger);
  return { adapter, logs, close: () => db.close() };
}

/** Sends one activity (or text) as the user and returns everything the bot replied in that turn. */
export async function say(adapter: TestAdapter, input: string | Partial<Activity>): Promise<Reply[]> {
  await adapter.receiveActivity(input);
  return adapter.activeQueue.splice(0);
}

/** What a user sees of a reply: its text, its card (if any) and the questions its buttons ask. */
export function view(reply: Reply | undefined) {
  const card = reply?.attachments?.find((a) => a.contentType === 'application/vnd.microsoft.card.adaptive')?.content as
    CardJson | undefined;
  const cardButtons = (card?.actions ?? []).map((a) => a.data.question);
  const suggested = (reply?.suggestedActions?.actions ?? []).map((a) => String(a.value));
  return {
    text: reply?.text ?? '',
    card,
    buttons: [...cardButtons, ...suggested],
    facts: Object.fromEntries((card?.body.find((b) => b.type === 'FactSet')?.facts ?? []).map((f) => [f.title, f.value])),
  };
}

export interface CardJson {
  type: string;
  version: string;
  body: Array<{ type: string; text?: string; facts?: Array<{ title: string; value: string }> }>;
  actions: Array<{ type: string; title: string; data: { question: string; msteams: { type: string; value: string } } }>;
}
