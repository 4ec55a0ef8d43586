import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { projectPath } from './paths';
import type { Plan } from './plan/types';
import { foldForMatch } from './understand/normalize';

/**
 * The curated data files under knowledge/data, every one with its schema here: read, checked
 * against the schema and against the parsed plan. A file that does not fit fails loudly,
 * naming what is wrong.
 */

export const DATA_DIR = projectPath('knowledge', 'data');

export class CuratedDataError extends Error {
  constructor(file: string, problems: string[]) {
    super(`${path.basename(file)}: ${problems.join('; ')}`);
    this.name = 'CuratedDataError';
  }
}

function readJson<S extends z.ZodType>(file: string, schema: S): z.infer<S> {
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new CuratedDataError(file, [(err as Error).message]);
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    throw new CuratedDataError(
      file,
      parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`),
    );
  }
  return parsed.data;
}

const text = z.string().trim().min(1);

const successorSchema = z.object({
  name: text,
  fullName: text,
  english: text,
  year: z.number().int().min(2016).max(2100),
  aliases: z.array(text).default([]),
  englishAliases: z.array(text).default([]),
  note: z.string().default(''),
  /** What of the plan's unit this successor took over, when it took over only a part (a unit split between successors). */
  part: z.object({ zh: text, en: text }).optional(),
});

const unitSchema = z.object({
  name: text,
  fullName: text,
  english: text,
  abbreviations: z.array(text).default([]),
  englishAliases: z.array(text).default([]),
  successors: z.array(successorSchema).default([]),
  sources: z.array(text).min(1),
});

export type DirectoryUnit = z.infer<typeof unitSchema>;
export type Successor = z.infer<typeof successorSchema>;

const directorySchema = z.object({ units: z.array(unitSchema).min(1) }).superRefine((d, ctx) => {
  const seen = new Set<string>();
  for (const u of d.units) {
    if (seen.has(u.name)) ctx.addIssue({ code: 'custom', message: `unit ${u.name} is listed twice` });
    seen.add(u.name);
    // Successors of the same reform split the unit between them: each must say which part it took.
    const split = u.successors.filter((s) => u.successors.some((o) => o !== s && o.year === s.year));
    for (const s of split.filter((x) => !x.part)) {
      ctx.addIssue({
        code: 'custom',
        message: `unit ${u.name} was split in ${s.year}; its successor ${s.name} must say which part it took over (part)`,
      });
    }
  }
});

export function loadDirectory(file = path.join(DATA_DIR, 'departments.json')): DirectoryUnit[] {
  return readJson(file, directorySchema).units;
}

/** Every unit the plan names must be in the directory: a missing one fails the build by name. */
export function checkDirectoryCoversPlan(units: DirectoryUnit[], plan: Plan, file = 'departments.json'): void {
  const known = new Set(units.map((u) => u.name));
  const missing = [...new Set(plan.items.flatMap((i) => i.units))].filter((u) => !known.has(u));
  if (missing.length) {
    throw new CuratedDataError(
      file,
      missing.map((u) => `the plan names ${u}, which the department directory lacks`),
    );
  }
}

const entrySchema = z.object({ title: text, summary: text });

const overlaySchema = z.object({
  document: z.object({ title: text, issuer: text, summary: text }),
  overall: entrySchema,
  actions: z.record(z.string(), entrySchema),
  items: z.record(z.string(), entrySchema),
});

export type EnglishOverlay = z.infer<typeof overlaySchema>;

export function loadOverlay(file = path.join(DATA_DIR, 'overlay.en.json')): EnglishOverlay {
  return readJson(file, overlaySchema);
}

/** The overlay covers every action and item of the plan, and names nothing the plan lacks. */
export function checkOverlayCoversPlan(overlay: EnglishOverlay, plan: Plan, file = 'overlay.en.json'): void {
  const problems: string[] = [];
  const compare = (kind: string, expected: string[], actual: string[]) => {
    for (const id of expected) if (!actual.includes(id)) problems.push(`${kind} ${id} has no English entry`);
    for (const id of actual) if (!expected.includes(id)) problems.push(`${kind} ${id} is not in the plan`);
  };
  compare(
    'action',
    plan.actions.map((a) => String(a.no)),
    Object.keys(overlay.actions),
  );
  compare(
    'item',
    plan.items.map((i) => i.id),
    Object.keys(overlay.items),
  );
  if (problems.length) throw new CuratedDataError(file, problems);
}

export const INTENTS = [
  'lead',
  'co_units',
  'unit_leads',
  'unit_involved',
  'content',
  'original',
  'deadline',
  'procedure',
  'document',
  'assessment',
  'help',
  'greeting',
  'thanks',
  'out_of_scope',
] as const;
export type Intent = (typeof INTENTS)[number];

const examples = z.object({ zh: z.array(text).min(10), en: z.array(text).min(10) });
const intentsSchema = z.object({
  intents: z.object(Object.fromEntries(INTENTS.map((i) => [i, examples])) as Record<Intent, typeof examples>).strict(),
});

export type IntentExamples = z.infer<typeof intentsSchema>['intents'];

/** intents.json: example questions by intent and language, every intent present. */
export function loadIntentExamples(file = path.join(DATA_DIR, 'intents.json')): IntentExamples {
  return readJson(file, intentsSchema).intents;
}

const glossarySchema = z.object({
  terms: z.array(z.object({ zh: z.array(text).min(1), en: z.array(text).default([]) })),
});

export interface GlossaryTerm {
  /** The plan's own term. */
  planTerm: string;
  zh: string[];
  en: string[];
}

/** glossary.json, folded for matching; the first Chinese term of each entry must occur in `planText` (folded). */
export function loadGlossary(file: string, planText: string): GlossaryTerm[] {
  const { terms } = readJson(file, glossarySchema);
  const missing = terms.filter((t) => !planText.includes(foldForMatch(t.zh[0])));
  if (missing.length) {
    throw new CuratedDataError(file, [
      `the first Chinese term of an entry must be the plan's own word; not in the plan: ${missing.map((t) => t.zh[0]).join(', ')}`,
    ]);
  }
  return terms.map((t) => ({ planTerm: foldForMatch(t.zh[0]), zh: t.zh.map(foldForMatch), en: t.en.map(foldForMatch) }));
}

const stopwordSchema = z.object({
  zh: z.array(z.string()),
  en: z.array(z.string()),
  /** English words kept whole, because their stem is a stopword of another meaning (planning → plan, the document). */
  unstemmed: z.array(z.string()).default([]),
});

export type Stopwords = z.infer<typeof stopwordSchema>;

export function loadStopwords(file = path.join(DATA_DIR, 'stopwords.json')): Stopwords {
  return readJson(file, stopwordSchema);
}

const commonWordsSchema = z.object({ source: z.string().min(1), words: z.array(z.string().regex(/^[\u3400-\u9fff]{2,}$/)) });

/** common-words.json: words common in general Chinese, Han characters only. */
export function loadCommonWords(file = path.join(DATA_DIR, 'common-words.json')): string[] {
  return readJson(file, commonWordsSchema).words;
}

const scopeSchema = z.object({
  home: z.array(z.string().min(1)),
  elsewhere: z.array(z.string().min(1)),
  /** Words that ask for people or contact details (厅长, 电话, website), which the plan does not give. */
  contacts: z.array(z.string().min(1)),
});

export type Scope = z.infer<typeof scopeSchema>;

export function loadScope(file = path.join(DATA_DIR, 'scope.json')): Scope {
  return readJson(file, scopeSchema);
}

/** A regular expression given as text: it must compile. */
const pattern = z
  .string()
  .min(1)
  .refine(
    (p) => {
      try {
        new RegExp(p, 'u');
        return true;
      } catch {
        return false;
      }
    },
    { message: 'not a valid regular expression' },
  );
const patterns = z.object({ about: z.string().optional(), zh: z.array(pattern), en: z.array(pattern) });
const phrases = z.object({ about: z.string().optional(), zh: z.array(text), en: z.array(text) });

const speechSchema = z.object({
  about: z.string().optional(),
  clauseBreaks: pattern,
  introductions: patterns,
  purposes: patterns,
  frames: patterns,
  asks: patterns.extend({ zh: z.array(pattern).min(1), en: z.array(pattern).min(1) }),
  selfReferences: phrases,
  firstPerson: patterns,
  bothRoles: patterns,
  ownZone: phrases.extend({ item: z.string().regex(/^\d+\.\d+$/) }),
  worldFacts: z.object({
    about: z.string().optional(),
    kinds: z
      .array(z.object({ kind: text, label: z.object({ zh: text, en: text }), zh: z.array(pattern).min(1), en: z.array(pattern).min(1) }))
      .superRefine((kinds, ctx) => {
        const seen = new Set<string>();
        for (const k of kinds) {
          if (seen.has(k.kind)) ctx.addIssue({ code: 'custom', message: `ask kind ${k.kind} is listed twice` });
          seen.add(k.kind);
        }
      }),
  }),
});

export type SpeechData = z.infer<typeof speechSchema>;

/**
 * speech.json: how people talk around what they ask (who is speaking and why, how they name their
 * own unit or zone) and the kinds of ask about the world now that the plan cannot answer.
 */
export function loadSpeech(file = path.join(DATA_DIR, 'speech.json')): SpeechData {
  return readJson(file, speechSchema);
}

const askKindSchema = z.object({
  kind: text,
  /** What the plan does not say, as the reply names it: 《行动计划》没有规定{label}. */
  label: z.object({ zh: text, en: text }),
  zh: z.array(pattern).min(1),
  en: z.array(pattern).min(1),
  /** Text of an item that would answer the ask (a number of working days, an amount): the ask is then covered. */
  answeredBy: z.array(pattern).min(1),
});

const asksSchema = z.object({
  about: z.string().optional(),
  kinds: z
    .array(askKindSchema)
    .min(1)
    .superRefine((kinds, ctx) => {
      const seen = new Set<string>();
      for (const k of kinds) {
        if (seen.has(k.kind)) ctx.addIssue({ code: 'custom', message: `ask kind ${k.kind} is listed twice` });
        seen.add(k.kind);
      }
    }),
});

export type AskKindData = z.infer<typeof askKindSchema>;

/** asks.json: the specific asks of a question beyond its topic (materials, days, amounts …) and what in an item's text answers each. */
export function loadAsks(file = path.join(DATA_DIR, 'asks.json')): AskKindData[] {
  return readJson(file, asksSchema).kinds;
}
