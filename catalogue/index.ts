import { z } from 'zod';
import en from './en.json';
import zh from './zh.json';

/**
 * Every text the assistant says, in Chinese and English, read from zh.json and en.json and
 * checked when this module is loaded: a broken file stops the process at start-up, naming the key.
 * It imports nothing of the project, so that every part of it can import the catalogue.
 */

export type Lang = 'zh' | 'en';
/** A key of the catalogue: a misspelt one fails the type check. */
export type MessageKey = keyof typeof zh;
export type Params = Readonly<Record<string, string | number>>;
export type Messages = Record<Lang, Record<string, string>>;

const PLACEHOLDER = /\{([A-Za-z]\w*)\}/g;

/** A text is one string or its lines, so that a long text stays readable in the file. */
const text = z
  .union([z.string(), z.array(z.string())], { error: 'not a string or an array of strings' })
  .transform((t) => (typeof t === 'string' ? t : t.join('\n')));
const file = z.record(
  z.string(),
  text.refine((t) => t.length > 0, 'empty text'),
);

export class CatalogueError extends Error {
  constructor(readonly problems: string[]) {
    super(`message catalogue: ${problems.join('; ')}`);
    this.name = 'CatalogueError';
  }
}

/** Checks both languages' data; each problem names the key. */
export function validateCatalogue(data: Record<Lang, unknown>): Messages {
  const zhFile = file.safeParse(data.zh);
  const enFile = file.safeParse(data.en);
  if (!zhFile.success || !enFile.success) throw new CatalogueError([...issues('zh', zhFile), ...issues('en', enFile)]);
  const problems = compare(zhFile.data, enFile.data);
  if (problems.length) throw new CatalogueError(problems);
  return { zh: zhFile.data, en: enFile.data };
}

function issues(lang: Lang, parsed: z.ZodSafeParseResult<Record<string, string>>): string[] {
  return parsed.success ? [] : parsed.error.issues.map((i) => `${lang}.json ${i.path.join('.') || '(root)'}: ${i.message}`);
}

/** The two languages say the same things: the same keys, each with the same placeholders. */
function compare(zhTexts: Record<string, string>, enTexts: Record<string, string>): string[] {
  const missing = (from: Record<string, string>, to: Record<string, string>, where: string) =>
    Object.keys(from)
      .filter((key) => !Object.hasOwn(to, key))
      .map((key) => `${key}: missing in ${where}`);
  const shared = Object.keys(zhTexts).filter((key) => Object.hasOwn(enTexts, key));
  return [
    ...missing(zhTexts, enTexts, 'en.json'),
    ...missing(enTexts, zhTexts, 'zh.json'),
    ...shared.flatMap((key) => placeholderProblems(key, zhTexts[key], enTexts[key])),
  ];
}

function placeholderProblems(key: string, zhText: string, enText: string): string[] {
  const show = (names: string[]) => (names.length ? names.map((n) => `{${n}}`).join(' ') : 'none');
  const [inZh, inEn] = [placeholders(zhText), placeholders(enText)];
  const problems = inZh.join() === inEn.join() ? [] : [`${key}: placeholders ${show(inZh)} in zh.json but ${show(inEn)} in en.json`];
  // A brace left over is a placeholder misspelt ({unit, { unit}), which would be said as it stands.
  for (const [where, t] of [
    ['zh.json', zhText],
    ['en.json', enText],
  ]) {
    if (/[{}]/.test(t.replace(PLACEHOLDER, ''))) problems.push(`${key}: a brace in ${where} that is no {placeholder}`);
  }
  return problems;
}

/** The names of a text's placeholders, sorted, each once. */
export function placeholders(template: string): string[] {
  return [...new Set([...template.matchAll(PLACEHOLDER)].map((m) => m[1]))].sort();
}

const MESSAGES = validateCatalogue({ zh, en });

export function isMessageKey(key: string): key is MessageKey {
  return Object.hasOwn(MESSAGES.zh, key);
}

/** The text of `key` in `lang` with its placeholders filled in; a missing parameter is a programming error and throws. */
export function say(lang: Lang, key: MessageKey, params: Params = {}): string {
  return fill(key, textOf(lang, key), params);
}

/** The lines of a text, each a text of its own (buttons, suggestions). */
export function sayLines(lang: Lang, key: MessageKey, params: Params = {}): string[] {
  return textOf(lang, key)
    .split('\n')
    .map((line) => fill(key, line, params));
}

function textOf(lang: Lang, key: string): string {
  // Typed callers cannot miss; a key made at run time can.
  if (!isMessageKey(key)) throw new Error(`no message ${key}`);
  return MESSAGES[lang][key];
}

function fill(key: string, template: string, params: Params): string {
  // One pass: a parameter's value is never searched for placeholders of its own.
  return template.replace(PLACEHOLDER, (_, name: string) => {
    if (!Object.hasOwn(params, name)) throw new Error(`message ${key} needs the parameter {${name}}`);
    return String(params[name]);
  });
}
