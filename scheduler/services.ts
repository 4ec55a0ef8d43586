import type { Plan } from '../knowledge';
import type { Database } from '../db';
import { loadDirectory } from '../knowledge/curated';
import { loadPlan } from '../knowledge/store';
import { AdminActions } from './admin';
import { Assessments } from './assessment';
import { type Clock, systemClock } from './clock';
import { ChatCommands } from './commands';
import { type SchedulerConfig, loadConfig } from './config';
import { ContactBook } from './contacts';
import { Milestones } from './milestones';
import { type Outbox, SqliteOutbox } from './outbox';
import { Scanner } from './scan';
import { UnitResolver } from './units';

/** The scheduler's stores, wired together: what the admin CLI and createScheduler share. */
export interface Services {
  db: Database;
  clock: Clock;
  config: SchedulerConfig;
  plan: Plan;
  outbox: Outbox;
  contacts: ContactBook;
  milestones: Milestones;
  assessments: Assessments;
  admin: AdminActions;
  commands: ChatCommands;
  scanner: Scanner;
}

export interface ServiceOptions {
  db: Database;
  env?: NodeJS.ProcessEnv;
  clock?: Clock;
  /** The plan; read from the database's knowledge base when not given. */
  plan?: Plan;
}

/** Migrates the scheduler's tables and seeds the milestones the knowledge base implies (once each). */
export async function openServices(options: ServiceOptions): Promise<Services> {
  const { db } = options;
  const clock = options.clock ?? systemClock;
  const config = loadConfig(options.env ?? process.env);
  const plan = options.plan ?? (await loadPlan(db));
  if (!plan) throw new Error(`no knowledge base in ${db.file}: run \`npm run kb -- build\` first`);
  const outbox = new SqliteOutbox(db, clock);
  const contacts = new ContactBook(db, clock, outbox, config);
  const milestones = new Milestones(db, clock, outbox, plan, config.timeZone);
  await milestones.seed(plan);
  const assessments = new Assessments(db, clock, contacts, outbox, config.timeZone);
  const admin = new AdminActions(contacts, milestones, new UnitResolver(plan, loadDirectory()), config.timeZone);
  const commands = new ChatCommands(contacts, milestones, assessments, admin, config.timeZone);
  const scanner = new Scanner(db, clock, config, milestones, contacts, outbox);
  return { db, clock, config, plan, outbox, contacts, milestones, assessments, admin, commands, scanner };
}
