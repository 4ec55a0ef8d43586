/** Small text helpers shared by the parser and the understanding code. */

const CJK = '\\u3400-\\u9fff\\uf900-\\ufaff';
const CJK_PUNCT = '\\u3000-\\u303f\\uff00-\\uffef“”‘’';
const SPACE_NEAR_CJK = new RegExp(`(?<=[${CJK}${CJK_PUNCT}]) +| +(?=[${CJK}${CJK_PUNCT}])`, 'g');

/** Collapses whitespace and drops the stray spaces a PDF export leaves between Chinese characters (到 2020 年 → 到2020年). */
export function normalizeSpaces(text: string): string {
  return text
    .replace(/[\s\u3000]+/g, ' ')
    .trim()
    .replace(SPACE_NEAR_CJK, '');
}

const CN_DIGITS: Record<string, number> = { 零: 0, 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9 };

/** 一 → 1, 十二 → 12, 二十三 → 23; null when the text is not a Chinese numeral below 100. */
export function chineseNumeral(text: string): number | null {
  const m = /^([一二两三四五六七八九])?(十)?([一二三四五六七八九])?$/.exec(text);
  if (!m || text === '') return null;
  const [, tens, ten, ones] = m;
  if (ten) return (tens ? CN_DIGITS[tens] : 1) * 10 + (ones ? CN_DIGITS[ones] : 0);
  if (ones) return null; // e.g. "一二"
  return tens ? CN_DIGITS[tens] : null;
}

/** Splits text into sentences, keeping each sentence's closing mark. */
export function sentences(text: string): string[] {
  return (text.match(/[^。！？；\n]+[。！？；]?/g) ?? []).map((s) => s.trim()).filter((s) => s.length > 0);
}

/** 1 → 一, 12 → 十二, 23 → 二十三 (below 100). */
export function toChineseNumeral(n: number): string {
  const digits = '零一二三四五六七八九';
  if (n < 10) return digits[n];
  const tens = Math.floor(n / 10);
  return `${tens > 1 ? digits[tens] : ''}十${n % 10 ? digits[n % 10] : ''}`;
}

/** 1 → I, 4 → IV, 9 → IX (below 40). */
export function toRoman(n: number): string {
  const tens = ['', 'X', 'XX', 'XXX'][Math.floor(n / 10)] ?? '';
  return tens + ['', 'I', 'II', 'III', 'IV', 'V', 'VI', 'VII', 'VIII', 'IX'][n % 10];
}
