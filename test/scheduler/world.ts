import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ConversationAccount, ConversationReference } from 'botbuilder';
import pino, { type Logger } from 'pino';
import { ProactiveSender, createProactiveAdapter } from '../../bot/proactive';
import { addressOfReference } from '../../dialogs/address';
import { CommandReader } from '../../dialogs/commands';
import { type Database, openDatabase } from '../../db';
import { databaseIn } from '../support/backends';
import { parsePlan } from '../../knowledge/plan/parse';
import { DEFAULT_SOURCE, buildKnowledgeBase } from '../../knowledge/store';
import { type DispatchStep, type Scheduler, createScheduler } from '../../scheduler';
import { type Services, openServices } from '../../scheduler/services';
import { FakeClock } from './fakeClock';
import { FakeConnector } from './fakeConnector';

/** A scheduler on a fresh database, sending through the real CloudAdapter to a fake connector, on a fake clock. */

const SOURCE = fs.readFileSync(DEFAULT_SOURCE, 'utf8');
export const plan = parsePlan(SOURCE);
const ROOT = path.resolve(__dirname, '../..');
const commandReader = new CommandReader();

export function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'edz-scheduler-'));
}

export interface WorldOptions {
  now: string;
  dir?: string;
  env?: Record<string, string>;
  connector?: FakeConnector;
  onStep?: (step: DispatchStep) => void;
  /** The scheduler's logger; silent unless a test reads the logs. */
  logger?: Logger;
}

export class World {
  private constructor(
    readonly dir: string,
    readonly db: Database,
    readonly clock: FakeClock,
    readonly connector: FakeConnector,
    readonly scheduler: Scheduler,
    /** The stores behind the scheduler, for what only the admin CLI does (e.g. importing assessments). */
    readonly services: Services,
  ) {}

  static async open(options: WorldOptions): Promise<World> {
    const dir = options.dir ?? tempDir();
    const clock = new FakeClock(options.now);
    const connector = options.connector ?? (await new FakeConnector(() => clock.now()).start());
    const db = await openDatabase(await databaseIn(dir));
    const env = { ...options.env };
    const scheduler = await createScheduler({
      db,
      plan,
      clock,
      env,
      logger: options.logger ?? pino({ level: 'silent' }),
      random: () => 0.5,
      onStep: options.onStep,
      sender: new ProactiveSender(createProactiveAdapter({})),
    });
    return new World(dir, db, clock, connector, scheduler, await openServices({ db, plan, clock, env }));
  }

  get dbPath(): string {
    return path.join(this.dir, 'edz.sqlite');
  }

  reference(conversationId: string, userId = `user-of-${conversationId}`, prefix = ''): Partial<ConversationReference> {
    return {
      channelId: 'msteams',
      serviceUrl: `${this.connector.serviceUrl}${prefix}`,
      conversation: { id: conversationId } as ConversationAccount,
      user: { id: userId, name: userId },
      bot: { id: 'bot', name: 'EDZ Assistant' },
    };
  }

  /** A chat message to the bot's commands; null when it is not a command. */
  async say(
    conversationId: string,
    text: string,
    options: { isAdmin?: boolean; userId?: string; prefix?: string } = {},
  ): Promise<string | null> {
    const userId = options.userId ?? `user-of-${conversationId}`;
    const address = addressOfReference(this.reference(conversationId, userId, options.prefix))!;
    // As the main dialog does: every message refreshes the address, a command gets its reply.
    await this.scheduler.commands.refreshReference(address);
    const command = commandReader.read(text);
    if (command?.kind !== 'scheduler') return null;
    return this.scheduler.commands.run(command.command, { address, userId, isAdmin: options.isAdmin ?? false }, command.lang);
  }

  /** An admin's `邀请 …` in chat; the code is the reply's last line. */
  async invite(args: string): Promise<string> {
    const reply = await this.say('admin-console', `邀请 ${args}`, { isAdmin: true });
    const code = reply!.split('\n').pop()!;
    expect(code).toMatch(/^[0-9A-Z]{5}-[0-9A-Z]{5}$/);
    return code;
  }

  /** Invites and binds `conversationId` in one go. */
  async bind(conversationId: string, args: string): Promise<void> {
    const reply = await this.say(conversationId, `绑定 ${await this.invite(args)}`);
    expect(reply).toContain('绑定成功');
  }

  /** Closes the database; connectors are stopped by FakeConnector.stopAll(), as several worlds may share one. */
  async close(): Promise<void> {
    await this.db.close();
  }
}

/** Builds the knowledge base into a database file, so a child process finds it ready. */
export async function buildKnowledge(dbPath: string): Promise<void> {
  const db = await openDatabase(dbPath);
  await buildKnowledgeBase(db, SOURCE);
  await db.close();
}

export interface ChildResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** `npm run scheduler -- tick --now …` in a child process, as a second process on the same database would. */
export function tickInChild(dbPath: string, now: string, env: Record<string, string> = {}): Promise<ChildResult> {
  return runChild('bot/cli/scheduler.ts', ['tick', '--now', now], { DB_PATH: dbPath, ...env });
}

/** `npm run admin -- …` in a child process. */
export function adminInChild(dbPath: string, args: string[]): Promise<ChildResult> {
  return runChild('scheduler/cli/admin.ts', args, { DB_PATH: dbPath });
}

export function runChild(script: string, args: string[], env: Record<string, string> = {}, input?: string): Promise<ChildResult> {
  return startChild(script, args, env, input).result;
}

/** A child process started as runChild starts it, for a test that signals it while it runs. */
export function startChild(
  script: string,
  args: string[],
  env: Record<string, string> = {},
  input?: string,
): { child: ChildProcess; result: Promise<ChildResult> } {
  // node itself, with tsx as a loader, so a SIGKILL lands on the process the test watches rather than on a wrapper.
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, LOG_LEVEL: 'silent', MicrosoftAppId: '', ...env },
  });
  const result = new Promise<ChildResult>((resolve, reject) => {
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  child.stdin.end(input);
  return { child, result };
}

/** The JSON summary a tick prints as its last line. */
export function summaryOf(result: ChildResult): { enqueued: number; sent: number; retried: number; dead: number } {
  if (result.code !== 0) throw new Error(`tick failed (${result.code ?? result.signal}): ${result.stderr}`);
  return JSON.parse(result.stdout.trim().split('\n').pop()!);
}

/** Removes every open milestone through the admin chat commands, so a test starts from its own. */
export async function removeAllMilestones(world: World): Promise<void> {
  const list = (await world.say('admin-console', '里程碑 列表', { isAdmin: true }))!;
  for (const [, id] of list.matchAll(/^#(\d+) /gm)) {
    expect(await world.say('admin-console', `里程碑 删除 ${id}`, { isAdmin: true })).toContain(`已删除节点 #${id}`);
  }
}

/** Adds a milestone through the admin chat command and returns its id. */
export async function addMilestone(world: World, args: string): Promise<number> {
  const reply = (await world.say('admin-console', `里程碑 添加 ${args}`, { isAdmin: true }))!;
  const id = /已添加节点 #(\d+)/.exec(reply);
  if (!id) throw new Error(reply);
  return Number(id[1]);
}
