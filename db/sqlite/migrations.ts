import type { Migration } from '../database';

/**
 * The SQLite schema, one list of versioned steps per namespace, applied in order when the
 * database is opened. A step once released is never edited: a change is a new version.
 */
export const SQLITE_MIGRATIONS: Readonly<Record<string, readonly Migration[]>> = {
  /** The knowledge base built from the plan (knowledge/). */
  kb: [
    {
      version: 1,
      sql: `
        CREATE TABLE kb_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        CREATE TABLE kb_actions (no INTEGER PRIMARY KEY, title TEXT NOT NULL);
        CREATE TABLE kb_items (
          id TEXT PRIMARY KEY, seq INTEGER NOT NULL UNIQUE, section TEXT NOT NULL, action_no INTEGER,
          action_title TEXT NOT NULL, no INTEGER NOT NULL, title TEXT NOT NULL, text TEXT NOT NULL, line INTEGER NOT NULL);
        CREATE TABLE kb_item_units (
          item_id TEXT NOT NULL REFERENCES kb_items(id) ON DELETE CASCADE, position INTEGER NOT NULL, unit TEXT NOT NULL,
          PRIMARY KEY (item_id, position), UNIQUE (item_id, unit));
        CREATE TABLE kb_deadlines (
          id INTEGER PRIMARY KEY, item_id TEXT REFERENCES kb_items(id) ON DELETE CASCADE, year INTEGER NOT NULL,
          due TEXT NOT NULL, sentence TEXT NOT NULL);
        CREATE TABLE kb_recurring (
          id INTEGER PRIMARY KEY, item_id TEXT REFERENCES kb_items(id) ON DELETE CASCADE, keyword TEXT NOT NULL,
          sentence TEXT NOT NULL);
      `,
    },
    {
      version: 2,
      // FAQ entries (knowledge/faq.ts): answers the plan's units gave to questions the plan does not answer.
      // questions is a JSON array of the entry's variants; the revision row in kb_meta tells a running
      // server that the entries changed (the admin CLI writes from another process).
      sql: `
        CREATE TABLE kb_faq (
          id TEXT PRIMARY KEY,                      -- F-0001
          lang TEXT NOT NULL CHECK (lang IN ('zh', 'en')),
          questions TEXT NOT NULL,
          answer TEXT NOT NULL,
          unit TEXT NOT NULL,                       -- the plan's unit that answered, as the plan names it
          source_date TEXT NOT NULL,                -- YYYY-MM-DD, the day of its answer
          handoff_ref TEXT,                         -- the hand-off it was published from (Q-2026-0042)
          created_at INTEGER NOT NULL,
          updated_at INTEGER NOT NULL);
      `,
    },
    {
      version: 3,
      // Every answer given, with the question and the person's vote on it (knowledge/feedback.ts):
      // what the reports count and what 有用/没用 refers to. Kept FEEDBACK_RETENTION_DAYS.
      sql: `
        CREATE TABLE kb_answers (
          id TEXT PRIMARY KEY,                      -- random, shown in the card's feedback buttons
          conversation_id TEXT NOT NULL,
          question TEXT NOT NULL,
          lang TEXT NOT NULL CHECK (lang IN ('zh', 'en')),
          intent TEXT NOT NULL,
          status TEXT NOT NULL,
          item_ids TEXT NOT NULL,                   -- the answer's items, comma-separated, best first
          channel TEXT NOT NULL,
          asked_at INTEGER NOT NULL,
          vote TEXT CHECK (vote IN ('helpful', 'unhelpful')),
          voted_at INTEGER);
        CREATE INDEX kb_answers_asked ON kb_answers (asked_at);
      `,
    },
  ],
  /** Bot Framework conversation and user state (bot/storage.ts). */
  bot: [
    {
      version: 1,
      // updated_at is kept so that old conversations can be pruned later without a schema change.
      sql: `CREATE TABLE bot_state (
        key TEXT PRIMARY KEY,
        etag TEXT NOT NULL,
        value TEXT NOT NULL,
        updated_at TEXT NOT NULL)`,
    },
    {
      version: 2,
      // GET /healthz writes this row: a database that can only be read (a read-only mount, a full disk) is not healthy.
      sql: 'CREATE TABLE bot_heartbeat (id INTEGER PRIMARY KEY CHECK (id = 1), at TEXT NOT NULL)',
    },
    {
      version: 3,
      // What the bot said to a web conversation outside a reply (bot/web/events.ts), until its page has it.
      // AUTOINCREMENT: an id is never given again once its row is deleted, so a page's "up to id N" stays true.
      sql: `
        CREATE TABLE bot_web_events (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          conversation_id TEXT NOT NULL,
          activity TEXT NOT NULL,                   -- the activity as the page is shown it, JSON
          created_at INTEGER NOT NULL);
        CREATE INDEX bot_web_events_conversation ON bot_web_events (conversation_id, id);
        CREATE INDEX bot_web_events_created ON bot_web_events (created_at);
      `,
    },
  ],
  /** The scheduler's tables. Times are epoch milliseconds; dates are 'YYYY-MM-DD'. */
  scheduler: [
    {
      version: 1,
      sql: `
        CREATE TABLE sch_contacts (
          id INTEGER PRIMARY KEY,
          conversation_id TEXT NOT NULL,
          kind TEXT NOT NULL CHECK (kind IN ('unit', 'zone', 'admin')),
          target TEXT NOT NULL,                     -- the plan's unit name, the zone's name, '' for admins
          name TEXT,
          lang TEXT NOT NULL CHECK (lang IN ('zh', 'en')),
          reference TEXT NOT NULL,                  -- the conversation reference, JSON, refreshed on each message
          bound_by TEXT NOT NULL,                   -- the user id that typed the code
          status TEXT NOT NULL CHECK (status IN ('active', 'inactive', 'unbound')),
          status_reason TEXT,
          bound_at INTEGER NOT NULL,
          updated_at INTEGER NOT NULL);
        -- One live binding per conversation and target: two people of one unit in a group chat get one reminder.
        CREATE UNIQUE INDEX sch_contacts_binding ON sch_contacts (conversation_id, kind, target) WHERE status <> 'unbound';
        CREATE INDEX sch_contacts_target ON sch_contacts (kind, target, status);
  
        CREATE TABLE sch_invites (
          id INTEGER PRIMARY KEY,
          code_hash TEXT NOT NULL UNIQUE,
          kind TEXT NOT NULL CHECK (kind IN ('unit', 'zone', 'admin')),
          target TEXT NOT NULL,
          name TEXT,
          created_at INTEGER NOT NULL,
          expires_at INTEGER NOT NULL,
          used_at INTEGER,
          used_by_contact INTEGER REFERENCES sch_contacts(id));
  
        CREATE TABLE sch_bind_failures (
          id INTEGER PRIMARY KEY, user_id TEXT NOT NULL, conversation_id TEXT NOT NULL, at INTEGER NOT NULL);
        CREATE INDEX sch_bind_failures_at ON sch_bind_failures (at);
  
        CREATE TABLE sch_milestones (
          id INTEGER PRIMARY KEY,
          item_id TEXT NOT NULL,
          title TEXT NOT NULL,
          due TEXT NOT NULL,
          audience TEXT NOT NULL CHECK (audience IN ('lead', 'all')),
          repeat_months INTEGER,                    -- recurring duties move on by this much once done
          seed_key TEXT UNIQUE,                     -- set when seeded from the knowledge base
          note TEXT,
          status TEXT NOT NULL CHECK (status IN ('open', 'done', 'removed')),
          created_at INTEGER NOT NULL,
          updated_at INTEGER NOT NULL);
  
        CREATE TABLE sch_completions (
          milestone_id INTEGER NOT NULL REFERENCES sch_milestones(id),
          due TEXT NOT NULL,
          unit TEXT NOT NULL,
          contact_id INTEGER NOT NULL REFERENCES sch_contacts(id),
          at INTEGER NOT NULL,
          PRIMARY KEY (milestone_id, due, unit));
  
        CREATE TABLE sch_reports (
          id INTEGER PRIMARY KEY,
          item_id TEXT NOT NULL,
          unit TEXT NOT NULL,
          contact_id INTEGER NOT NULL REFERENCES sch_contacts(id),
          kind TEXT NOT NULL CHECK (kind IN ('progress', 'done')),
          text TEXT NOT NULL,
          milestone_id INTEGER REFERENCES sch_milestones(id),
          at INTEGER NOT NULL);
  
        CREATE TABLE sch_assessments (
          year INTEGER NOT NULL,
          zone TEXT NOT NULL,
          level TEXT NOT NULL CHECK (level IN ('国家级', '省级')),
          score REAL NOT NULL,
          rank INTEGER,                             -- among the year's 省级 zones; NULL for 国家级
          ranked INTEGER NOT NULL,                  -- how many 省级 zones the year ranks
          warned INTEGER NOT NULL,
          exit_candidate INTEGER NOT NULL,
          line INTEGER NOT NULL,
          imported_at INTEGER NOT NULL,
          PRIMARY KEY (year, zone));
  
        CREATE TABLE sch_outbox (
          id INTEGER PRIMARY KEY,
          idempotency_key TEXT NOT NULL UNIQUE,
          contact_id INTEGER NOT NULL REFERENCES sch_contacts(id),
          conversation_id TEXT NOT NULL,
          kind TEXT NOT NULL CHECK (kind IN ('reminder', 'assessment', 'notice')),
          milestone_id INTEGER REFERENCES sch_milestones(id),
          milestone_due TEXT,
          due_date TEXT NOT NULL,                   -- the day it should reach the contact; later is "late"
          text TEXT NOT NULL,
          status TEXT NOT NULL CHECK (status IN ('pending', 'sending', 'sent', 'dead', 'cancelled')),
          attempts INTEGER NOT NULL DEFAULT 0,
          next_attempt_at INTEGER NOT NULL,
          lease_owner TEXT,
          lease_until INTEGER,
          last_error TEXT,
          created_at INTEGER NOT NULL,
          sent_at INTEGER);
        CREATE INDEX sch_outbox_ready ON sch_outbox (status, next_attempt_at);
        CREATE INDEX sch_outbox_milestone ON sch_outbox (milestone_id, contact_id, status);
        CREATE INDEX sch_outbox_contact ON sch_outbox (contact_id, status);
  
        CREATE TABLE sch_state (key TEXT PRIMARY KEY, value TEXT NOT NULL);
      `,
    },
    {
      version: 2,
      // Each bind counts the recent failures of its user or its conversation: without these, a scan of every failure.
      sql: `
        CREATE INDEX sch_bind_failures_user ON sch_bind_failures (user_id, at);
        CREATE INDEX sch_bind_failures_conversation ON sch_bind_failures (conversation_id, at);
      `,
    },
    {
      version: 3,
      rebuildsTables: true,
      // Hand-offs (scheduler/handoffs.ts). The person who asked becomes a contact of kind 'asker', so that the
      // department's reply travels to them through the outbox like a reminder. SQLite cannot change a CHECK in
      // place: the table is rebuilt as SQLite documents it, with foreign keys off (rebuildsTables).
      sql: `
        CREATE TABLE sch_contacts_new (
          id INTEGER PRIMARY KEY,
          conversation_id TEXT NOT NULL,
          kind TEXT NOT NULL CHECK (kind IN ('unit', 'zone', 'admin', 'asker')),
          target TEXT NOT NULL,                     -- the plan's unit name, the zone's name, '' for admins and askers
          name TEXT,
          lang TEXT NOT NULL CHECK (lang IN ('zh', 'en')),
          reference TEXT NOT NULL,
          bound_by TEXT NOT NULL,                   -- the user id that typed the code (or asked)
          status TEXT NOT NULL CHECK (status IN ('active', 'inactive', 'unbound')),
          status_reason TEXT,
          bound_at INTEGER NOT NULL,
          updated_at INTEGER NOT NULL);
        INSERT INTO sch_contacts_new SELECT * FROM sch_contacts;
        DROP TABLE sch_contacts;
        ALTER TABLE sch_contacts_new RENAME TO sch_contacts;
        CREATE UNIQUE INDEX sch_contacts_binding ON sch_contacts (conversation_id, kind, target) WHERE status <> 'unbound';
        CREATE INDEX sch_contacts_target ON sch_contacts (kind, target, status);
        CREATE TABLE sch_handoffs (
          id INTEGER PRIMARY KEY,
          ref TEXT NOT NULL UNIQUE,                 -- Q-2026-0042: the year it was made and its number in that year
          year INTEGER NOT NULL,
          seq INTEGER NOT NULL,
          question TEXT NOT NULL,
          lang TEXT NOT NULL CHECK (lang IN ('zh', 'en')),
          answer_id TEXT,                           -- the answer (kb_answers) it was handed off from
          item_id TEXT,                             -- the engine's best item, whose lead it went to
          asker_contact_id INTEGER NOT NULL REFERENCES sch_contacts(id),
          unit TEXT NOT NULL,                       -- the plan's unit it is handed to now
          status TEXT NOT NULL CHECK (status IN ('open', 'answered')),
          deadline TEXT NOT NULL,                   -- the last working day to answer, YYYY-MM-DD
          created_at INTEGER NOT NULL,
          reply TEXT,
          replied_by INTEGER REFERENCES sch_contacts(id),
          replied_unit TEXT,                        -- who answered: the unit, or '' for an admin
          replied_at INTEGER,
          UNIQUE (year, seq));
        CREATE INDEX sch_handoffs_open ON sch_handoffs (status, deadline);
      `,
    },
    {
      version: 4,
      // The hand-off a message asks its reader to answer: the bot sends a form for the answer with it.
      sql: `ALTER TABLE sch_outbox ADD COLUMN reply_ref TEXT;`,
    },
    {
      version: 5,
      // One row per cron scan's due time, written in the scan's transaction: of several schedulers whose cron fires
      // at that time one scans, the others find the row and skip. And the claim's per-conversation checks.
      sql: `
        CREATE TABLE sch_scan_runs (
          due_at INTEGER PRIMARY KEY,
          scanned_at INTEGER NOT NULL);
        CREATE INDEX sch_outbox_conversation ON sch_outbox (conversation_id, status);
      `,
    },
  ],
  /**
   * The administrators' console (console/) and the audit log every admin change writes (db/audit.ts).
   * Secrets are stored as hashes only: passwords with scrypt, session and set-password tokens with SHA-256.
   */
  console: [
    {
      version: 1,
      sql: `
        CREATE TABLE adm_users (
          id INTEGER PRIMARY KEY,
          name TEXT NOT NULL UNIQUE,                -- a local account's sign-in name, or an OIDC subject or e-mail
          role TEXT NOT NULL CHECK (role IN ('admin', 'viewer')),
          password_hash TEXT,                       -- scrypt$N$r$p$salt$hash; NULL until the set-password link is used
          created_at INTEGER NOT NULL,
          updated_at INTEGER NOT NULL);
        CREATE TABLE adm_password_tokens (
          token_hash TEXT PRIMARY KEY,
          user_id INTEGER NOT NULL REFERENCES adm_users(id),
          expires_at INTEGER NOT NULL,
          used_at INTEGER);
        CREATE TABLE adm_login_failures (
          id INTEGER PRIMARY KEY,
          name TEXT NOT NULL,                       -- the name typed, never the password
          client TEXT NOT NULL,
          at INTEGER NOT NULL);
        CREATE INDEX adm_login_failures_name ON adm_login_failures (name, at);
        CREATE TABLE adm_sessions (
          token_hash TEXT PRIMARY KEY,
          user_id INTEGER NOT NULL REFERENCES adm_users(id),
          csrf TEXT NOT NULL,
          created_at INTEGER NOT NULL,
          seen_at INTEGER NOT NULL);
        CREATE TABLE adm_audit (
          id INTEGER PRIMARY KEY,
          at INTEGER NOT NULL,
          source TEXT NOT NULL CHECK (source IN ('console', 'cli', 'chat')),
          actor TEXT NOT NULL,                      -- the console user, the CLI's OS user, the chat user id
          action TEXT NOT NULL,                     -- milestone.add, invite.create, outbox.retry …
          target TEXT NOT NULL,
          before TEXT,                              -- JSON, NULL for a creation
          after TEXT);                              -- JSON, NULL for a removal
        CREATE INDEX adm_audit_at ON adm_audit (at);
        -- Append-only: a row once written is never changed or deleted.
        CREATE TRIGGER adm_audit_no_update BEFORE UPDATE ON adm_audit BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
        CREATE TRIGGER adm_audit_no_delete BEFORE DELETE ON adm_audit BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
      `,
    },
  ],
};
