import type * as OpenCCModule from 'opencc-js';
import { normalizeSpaces } from '../plan/text';

/** Questions longer than this are cut before they are understood; the reply says so. */
export const MAX_QUESTION_CHARS = 500;

export type Lang = 'zh' | 'en';

export interface Question {
  /** The question as shown back to the person: cleaned and cut, original script. */
  text: string;
  /** The form every matcher works on: width-folded, simplified Chinese, lowercase. */
  match: string;
  lang: Lang;
  truncated: boolean;
}

/**
 * opencc-js's traditional-to-simplified build: the same dictionaries for this conversion as its
 * full build, without those for the other direction (4 MB less resident memory, 50 ms less to load).
 * Its subpath export is not visible to this project's module resolution, hence require.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const OpenCC = require('opencc-js/t2cn') as typeof OpenCCModule;
const toSimplified = OpenCC.Converter({ from: 'tw', to: 'cn' });
const HAN = /[\u3400-\u9fff\uf900-\ufaff]/g;
const LATIN_WORD = /[a-z]{2,}/gi;
// Control characters, zero-width characters and lone surrogates: never meaningful in a question.
const INVISIBLE =
  // eslint-disable-next-line no-control-regex -- control characters are what this removes
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\u200b-\u200f\u2028\u2029\u2060\ufeff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/**
 * English when Latin words outweigh Han characters (two Han characters count as one word);
 * Chinese otherwise; `fallback` for a text with no words at all ("?", "4.3").
 */
export function detectLang(text: string, fallback: Lang = 'zh'): Lang {
  const han = (text.match(HAN) ?? []).length;
  const words = (text.match(LATIN_WORD) ?? []).length;
  if (han === 0) return words > 0 ? 'en' : fallback;
  return words >= 2 && words * 2 >= han ? 'en' : 'zh';
}

export function normalizeQuestion(raw: string, fallbackLang: Lang = 'zh'): Question {
  const clean = normalizeSpaces(String(raw ?? '').replace(INVISIBLE, ''));
  const chars = Array.from(clean);
  const truncated = chars.length > MAX_QUESTION_CHARS;
  const text = truncated ? chars.slice(0, MAX_QUESTION_CHARS).join('') : clean;
  const match = normalizeSpaces(toSimplified(text.normalize('NFKC'))).toLowerCase();
  return { text, match, lang: detectLang(text, fallbackLang), truncated };
}

/** The same folding for reference strings (aliases, titles) so that they meet questions halfway. */
export function foldForMatch(text: string): string {
  return normalizeSpaces(toSimplified(text.normalize('NFKC'))).toLowerCase();
}
