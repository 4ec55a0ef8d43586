import { type AnswerLog, type FaqStore, type Plan, SqlAnswerLog, faqStoreFor } from '../knowledge';
import { type AuditLog, type Database, SqlAuditLog } from '../db';
import { loadDirectory } from '../knowledge/curated';
import { loadPlan } from '../knowledge/store';
import { AdminAccounts } from './accounts';
import { AdminActions } from './admin';
import { Assessments } from './assessment';
import { type Clock, systemClock } from './clock';
import { ChatCommands } from './commands';
import { type SchedulerConfig, loadConfig } from './config';
import { ContactBook } from './contacts';
import { HandoffDesk } from './handoffs';
import { Milestones } from './milestones';
import { type Outbox, SqlOutbox } from './outbox';
import { PgOutbox } from './pgOutbox';
import { Scanner } from './scan';
import { UnitResolver } from './units';
import { WorkingCalendar } from './workdays';

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
  /** The web console's accounts (console/), which the CLI's `user add` creates. */
  accounts: AdminAccounts;
  /** Every admin change, from the console, the CLI or chat. */
  audit: AuditLog;
  handoffs: HandoffDesk;
  /** The answers given, with their votes (knowledge/feedback.ts): the scan prunes them, the reports count them. */
  answers: AnswerLog;
  faq: FaqStore;
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
  const outbox = db.dialect === 'postgres' ? new PgOutbox(db, clock) : new SqlOutbox(db, clock);
  const contacts = new ContactBook(db, clock, outbox, config);
  const milestones = new Milestones(db, clock, outbox, plan, config.timeZone);
  await milestones.seed(plan);
  const assessments = new Assessments(db, clock, contacts, outbox, config.timeZone);
  const units = new UnitResolver(plan, loadDirectory());
  const handoffs = new HandoffDesk(db, clock, contacts, outbox, WorkingCalendar.load(), config);
  const answers = new SqlAnswerLog(db, () => clock.now());
  const audit = new SqlAuditLog(db, () => clock.now());
  const faq = faqStoreFor(db, plan);
  const admin = new AdminActions({ contacts, milestones, assessments, handoffs, outbox, faq, units, audit, timeZone: config.timeZone });
  const accounts = new AdminAccounts(db, clock, audit, { maxFailures: config.adminLoginMaxFailures, windowMs: config.adminLoginLockMs });
  const commands = new ChatCommands({
    contacts,
    milestones,
    assessments,
    admin,
    handoffs,
    units,
    answers,
    clock,
    timeZone: config.timeZone,
  });
  const scanner = new Scanner(db, clock, config, { milestones, contacts, outbox, handoffs, answers });
  return {
    db,
    clock,
    config,
    plan,
    outbox,
    contacts,
    milestones,
    assessments,
    admin,
    accounts,
    audit,
    handoffs,
    answers,
    faq,
    commands,
    scanner,
  };
}
