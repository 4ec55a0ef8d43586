import { CatalogueError, placeholders, say, sayLines, validateCatalogue } from '../catalogue';
import en from '../catalogue/en.json';
import zh from '../catalogue/zh.json';

const textOf = (t: string | string[]) => (typeof t === 'string' ? t : t.join('\n'));

/** The message validateCatalogue throws for `data`, or undefined when it accepts it. */
function refusal(data: { zh: unknown; en: unknown }): string | undefined {
  try {
    validateCatalogue(data);
    return undefined;
  } catch (err) {
    expect(err).toBeInstanceOf(CatalogueError);
    return (err as Error).message;
  }
}

describe('the data files', () => {
  test('have the same keys in both languages', () => {
    expect(Object.keys(en).sort()).toEqual(Object.keys(zh).sort());
  });

  test('give each key the same placeholders in both languages', () => {
    const entries = Object.entries(zh) as [keyof typeof zh, string | string[]][];
    const differ = entries.filter(([key, t]) => placeholders(textOf(t)).join() !== placeholders(textOf(en[key])).join());
    expect(differ.map(([key]) => key)).toEqual([]);
  });
});

describe('say', () => {
  test('fills in the placeholders, in either language', () => {
    expect(say('zh', 'chat.rateLimited', { minutes: 15 })).toBe('尝试次数过多，请15分钟后再试。');
    expect(say('en', 'chat.rateLimited', { minutes: 15 })).toBe('Too many attempts. Try again in 15 minutes.');
  });

  test('throws on a missing parameter, naming it', () => {
    expect(() => say('en', 'chat.rateLimited')).toThrow('message chat.rateLimited needs the parameter {minutes}');
    expect(() => say('zh', 'reminder.dueIn', { due: '2027-03-31' })).toThrow('{days}');
  });

  test('knows no misspelt key: the type check refuses it, and at run time it throws', () => {
    // @ts-expect-error chat.rateLimted is no key of the catalogue
    expect(() => say('en', 'chat.rateLimted', { minutes: 1 })).toThrow('no message chat.rateLimted');
  });

  test('puts a parameter in as it is, braces and all', () => {
    expect(say('en', 'chat.unitUnknown', { typed: '{typed}' })).toContain('no unit “{typed}”');
  });

  test('joins the lines of a text given as an array, and gives them one by one', () => {
    expect(say('en', 'answer.responsibility', { lead: 'A', co: 'B' })).toBe('Lead: A\nCo-responsible: B');
    expect(sayLines('zh', 'answer.followUps', { id: '4.3' })).toEqual(['4.3的配合单位有哪些？', '4.3有什么时间要求？', '4.3原文']);
  });
});

describe('validateCatalogue', () => {
  const good = {
    zh: { 'x.greet': '你好，{name}！', 'x.bye': ['再见', '{name}'] },
    en: { 'x.greet': 'Hello, {name}!', 'x.bye': ['Bye', '{name}'] },
  };

  test('accepts matching languages, joining lines', () => {
    expect(validateCatalogue(good).zh['x.bye']).toBe('再见\n{name}');
  });

  test('refuses a key missing in one language, naming it', () => {
    expect(refusal({ zh: good.zh, en: { 'x.greet': 'Hello, {name}!' } })).toContain('x.bye: missing in en.json');
    expect(refusal({ zh: { 'x.greet': '你好，{name}！' }, en: good.en })).toContain('x.bye: missing in zh.json');
  });

  test('refuses different placeholders for one key, naming the key', () => {
    expect(refusal({ zh: good.zh, en: { ...good.en, 'x.greet': 'Hello, {who}!' } })).toContain(
      'x.greet: placeholders {name} in zh.json but {who} in en.json',
    );
  });

  test('refuses a value that is no text, naming the key', () => {
    expect(refusal({ zh: { ...good.zh, 'x.count': 3 }, en: good.en })).toContain('zh.json x.count: not a string or an array of strings');
    expect(refusal({ zh: good.zh, en: { ...good.en, 'x.bye': ['Bye', 7] } })).toContain(
      'en.json x.bye: not a string or an array of strings',
    );
    expect(refusal({ zh: { ...good.zh, 'x.greet': '' }, en: good.en })).toContain('x.greet: empty text');
  });

  test('refuses a misspelt placeholder, naming the key', () => {
    expect(refusal({ zh: { ...good.zh, 'x.greet': '你好，{name！' }, en: good.en })).toContain('x.greet: a brace in zh.json');
  });

  test('refuses a file that is no object of texts', () => {
    expect(refusal({ zh: ['你好'], en: good.en })).toMatch(/zh\.json \(root\): /);
  });
});
