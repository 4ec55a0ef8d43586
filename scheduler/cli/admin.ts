import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { type Actor, DatabaseFileError, openDatabase } from '../../db';
import { type FaqChanges, FaqError, QUESTION_SEPARATOR, ensureKnowledgeBase, faqCsv, parseFaqCsv, planUnitCheck } from '../../knowledge';
import { AccountError } from '../accounts';
import { AssessmentCsvError, decodeAssessmentCsv, parseAssessmentCsv } from '../assessment';
import { localDate, localDateTime } from '../clock';
import { publishText } from '../commands';
import { ConfigError } from '../config';
import { canonicalRef } from '../handoffs';
import { milestoneLine, milestoneList, replies, reportList } from '../messages';
import { type MilestoneInput, MilestoneError } from '../milestones';
import { buildReport, reportText } from '../report';
import { type Services, openServices } from '../services';
import type { Audience, ContactKind } from '../records';

const USAGE = `usage: npm run --silent admin -- user add NAME [--role admin|viewer]
       npm run --silent admin -- invite (--dept UNIT | --zone ZONE | --admin) [--name NAME]
       npm run admin -- milestone add --task 4.3 --due 2027-03-31 --title "…" [--audience lead|all]
       npm run admin -- milestone edit --id N [--task 4.3] [--due 2027-06-30] [--title "…"] [--audience lead|all]
       npm run admin -- milestone list [--all]
       npm run admin -- milestone remove --id N
       npm run admin -- progress [--task 4.3]
       npm run admin -- assessment import FILE.csv
       npm run admin -- faq list
       npm run admin -- faq import FILE.csv
       npm run --silent admin -- faq export [FILE.csv]
       npm run admin -- faq edit --id F-0001 [--questions "问法一|问法二"] [--answer "…"]
       npm run admin -- faq remove --id F-0001
       npm run admin -- faq publish Q-2026-0001
       npm run admin -- contacts
       npm run admin -- outbox
       npm run admin -- report [--days 30] [--json]
       --create: make the database (DB_PATH) if it does not exist`;

const OPTIONS = {
  dept: { type: 'string' },
  zone: { type: 'string' },
  admin: { type: 'boolean' },
  name: { type: 'string' },
  task: { type: 'string' },
  due: { type: 'string' },
  title: { type: 'string' },
  audience: { type: 'string' },
  id: { type: 'string' },
  questions: { type: 'string' },
  answer: { type: 'string' },
  all: { type: 'boolean' },
  role: { type: 'string' },
  days: { type: 'string' },
  json: { type: 'boolean' },
  create: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>['values'];

/** A mistake in what the admin typed: printed without a stack, exit code 1. */
class InputError extends Error {}
/** A command given without what it needs: printed with the usage, exit code 2. */
class UsageError extends Error {}

async function main(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({ args: argv, allowPositionals: true, options: OPTIONS });
  const [command, sub, file] = positionals;
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (!command) {
    // A usage error: the usage goes to stderr and the exit code says it failed.
    console.error(USAGE);
    return 2;
  }
  const db = await openDatabase(undefined, { create: values.create === true });
  console.error(`database: ${path.resolve(db.file)}`);
  try {
    const services = await openServices({ db, plan: await ensureKnowledgeBase(db) });
    const run = COMMANDS[WITH_SUBCOMMANDS.has(command) ? `${command} ${sub ?? ''}` : command];
    if (!run) {
      console.error(`unknown command “${positionals.join(' ')}”\n${USAGE}`);
      return 2;
    }
    try {
      await run(services, values, file);
    } catch (err) {
      if (!(err instanceof UsageError)) throw err;
      console.error(`error: ${err.message}\n${USAGE}`);
      return 2;
    }
    return 0;
  } finally {
    await db.close();
  }
}

const WITH_SUBCOMMANDS: ReadonlySet<string> = new Set(['milestone', 'assessment', 'faq', 'user']);

/** Changes made from the CLI are audited as the operating-system user who ran it. */
const CLI_ACTOR: Actor = { source: 'cli', name: os.userInfo().username };

/** Where the console is reached: ADMIN_CONSOLE_URL behind a proxy, else this machine's bot server. */
function consoleUrl(): string {
  return (process.env.ADMIN_CONSOLE_URL || `http://localhost:${process.env.PORT || 3978}/admin`).replace(/\/+$/, '');
}

const COMMANDS: Record<string, (s: Services, v: Values, file?: string) => Promise<void>> = {
  'user add': async (s, v, name) => {
    if (!name) throw new UsageError('user add needs the user name');
    const { user, token, expiresAt } = await s.accounts.add(name, v.role ?? 'admin', CLI_ACTOR);
    console.log(
      `user ${user.name} (${user.role}) added; the link sets the password once, until ${localDateTime(expiresAt, s.config.timeZone)}:`,
    );
    console.log(`${consoleUrl()}/set-password?token=${token}`);
  },
  invite: async (s, v) => {
    const chosen = [v.dept !== undefined, v.zone !== undefined, v.admin === true].filter(Boolean).length;
    if (chosen !== 1) throw new InputError('give exactly one of --dept UNIT, --zone ZONE or --admin');
    const [kind, target]: [ContactKind, string] =
      v.dept !== undefined ? ['unit', v.dept] : v.zone !== undefined ? ['zone', v.zone] : ['admin', ''];
    const outcome = await s.admin.invite(kind, target, v.name, CLI_ACTOR);
    if (!outcome.ok) throw new InputError(outcome.message('en'));
    console.log(
      `one-time code for ${outcome.label}${v.name ? ` (${v.name})` : ''}, valid until ${outcome.expires}; the person sends "绑定 <code>" or "bind <code>" to the bot:`,
    );
    console.log(outcome.code);
  },
  'milestone add': async (s, v) => {
    if (!v.task || !v.due || !v.title) throw new InputError('milestone add needs --task, --due and --title');
    const m = await s.admin.addMilestone({ itemId: v.task, due: v.due, title: v.title, audience: audienceOf(v.audience) }, CLI_ACTOR);
    console.log(`added ${milestoneLine('en', m, s.milestones.audienceUnits(m))}`);
  },
  'milestone edit': async (s, v) => {
    const changes: Partial<MilestoneInput> = {
      itemId: v.task,
      due: v.due,
      title: v.title,
      audience: v.audience === undefined ? undefined : audienceOf(v.audience),
    };
    if (Object.values(changes).every((x) => x === undefined))
      throw new InputError('milestone edit needs at least one of --task, --due, --title, --audience');
    const m = await s.admin.editMilestone(idOf(v.id), changes, CLI_ACTOR);
    console.log(`changed ${milestoneLine('en', m, s.milestones.audienceUnits(m))}`);
  },
  'milestone list': async (s, v) => console.log(milestoneList('en', await s.admin.milestoneRows(v.all))),
  'milestone remove': async (s, v) => {
    const m = await s.admin.removeMilestone(idOf(v.id), CLI_ACTOR);
    console.log(`removed ${milestoneLine('en', m)}`);
  },
  progress: async (s, v) => console.log(reportList('en', await s.milestones.reports(v.task), (ms) => localDateTime(ms, s.config.timeZone))),
  'assessment import': async (s, _v, file) => {
    if (!file) throw new InputError('assessment import needs the CSV file');
    const rows = parseAssessmentCsv(decodeAssessmentCsv(fs.readFileSync(file)));
    const { years, enqueued } = await s.admin.importAssessments(rows, CLI_ACTOR);
    for (const y of years) {
      console.log(
        `${y.year}: ${y.zones} zones, ${y.ranked} 省级 ranked; 通报警示: ${y.warned.join(', ') || 'none'}; 兼并整合或退出: ${y.exitCandidates.join(', ') || 'none'}` +
          (y.previousYearKnown ? '' : ` (no ${y.year - 1} results: the two-year rule was not applied)`),
      );
    }
    console.log(`${enqueued} messages queued for the zones' contacts, 省商务厅 and the admins`);
  },
  'faq list': async (s) => {
    const entries = await s.faq.list();
    if (!entries.length) console.log('no FAQ entries');
    for (const e of entries) {
      console.log(
        `${e.id} ${e.lang} ${e.unit} ${e.sourceDate}${e.handoffRef ? ` (from ${e.handoffRef})` : ''}: ${e.questions.join(' | ')}`,
      );
    }
  },
  'faq import': async (s, _v, file) => {
    if (!file) throw new UsageError('faq import needs the CSV file');
    const rows = parseFaqCsv(fs.readFileSync(file), planUnitCheck(s.plan));
    const { added, replaced } = await s.admin.importFaq(rows, CLI_ACTOR);
    console.log(`${added} FAQ entries added, ${replaced} replaced; a running bot picks them up within seconds`);
  },
  'faq export': async (s, _v, file) => {
    const entries = await s.faq.list();
    const csv = faqCsv(entries);
    if (!file) {
      process.stdout.write(csv);
      return;
    }
    fs.writeFileSync(file, csv);
    console.log(`${entries.length} FAQ entries written to ${file}`);
  },
  'faq publish': async (s, _v, ref) => {
    if (!ref) throw new UsageError('faq publish needs the hand-off reference (Q-2026-0001)');
    const outcome = await s.admin.publishFaq(canonicalRef(ref), CLI_ACTOR);
    const text = publishText('en', outcome);
    if (outcome.kind !== 'published') throw new InputError(text);
    console.log(text);
  },
  'faq edit': async (s, v) => {
    const changes: FaqChanges = {
      questions: v.questions === undefined ? undefined : v.questions.split(QUESTION_SEPARATOR),
      answer: v.answer,
    };
    if (changes.questions === undefined && changes.answer === undefined)
      throw new InputError('faq edit needs --questions "…|…", --answer "…" or both');
    const e = await unchangedOnFaqError(() => s.admin.editFaq(faqIdOf(v.id), changes, CLI_ACTOR));
    console.log(`changed ${e.id}: ${e.questions.join(' | ')}; a running bot picks it up within seconds`);
  },
  'faq remove': async (s, v) => {
    const e = await unchangedOnFaqError(() => s.admin.removeFaq(faqIdOf(v.id), CLI_ACTOR));
    console.log(`removed ${e.id}: ${e.questions.join(' | ')}`);
  },
  contacts: async (s) => {
    const contacts = await s.contacts.list();
    if (!contacts.length) console.log('no contacts');
    for (const c of contacts) {
      console.log(
        `#${c.id} ${c.kind} ${c.target || '-'} ${c.name ?? ''} [${c.status}${c.statusReason ? `: ${c.statusReason}` : ''}] conversation ${c.conversationId}`,
      );
    }
  },
  outbox: async (s) => console.log(JSON.stringify(await s.outbox.countsByStatus())),
  report: async (s, v) => {
    const days = v.days === undefined ? 30 : Number(v.days);
    if (!Number.isInteger(days) || days < 1 || days > 3660)
      throw new InputError(`--days “${v.days}” is not a whole number of days from 1 to 3660`);
    const to = s.clock.now();
    const report = await buildReport(s, to - days * 86_400_000, to);
    console.log(v.json ? JSON.stringify(report) : reportText('en', report, (ms) => localDate(ms, s.config.timeZone)));
  },
};

/** A missing file or a mistyped option: the message says it all. */
function isUserError(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === 'ENOENT' || (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS'));
}

function audienceOf(value: string | undefined): Audience {
  if (value === undefined || value === 'lead' || value === 'all') return value ?? 'lead';
  throw new InputError(`--audience must be lead or all, not “${value}”`);
}

function faqIdOf(value: string | undefined): string {
  if (!value) throw new InputError('give the entry as --id F-0001 (see `faq list`)');
  return value.trim().toUpperCase();
}

/** A refused edit says that nothing changed, not that a file was not imported. */
async function unchangedOnFaqError<T>(change: () => Promise<T>): Promise<T> {
  try {
    return await change();
  } catch (err) {
    if (err instanceof FaqError) throw new InputError(`nothing was changed:\n${err.message}`);
    throw err;
  }
}

function idOf(value: string | undefined): number {
  if (!value || !/^\d+$/.test(value)) throw new InputError('give the milestone as --id N (see `milestone list`)');
  return Number(value);
}

main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (err: unknown) => {
    if (err instanceof AssessmentCsvError || err instanceof FaqError)
      console.error(`error: the file was not imported, nothing was stored:\n${err.message}`);
    else if (err instanceof MilestoneError) console.error(`error: ${replies.milestoneProblem('en', err.problem, err.detail)}`);
    else if (
      err instanceof InputError ||
      err instanceof AccountError ||
      err instanceof ConfigError ||
      err instanceof DatabaseFileError ||
      isUserError(err)
    )
      console.error(`error: ${(err as Error).message}`);
    else console.error(err);
    process.exitCode = 1;
  },
);
