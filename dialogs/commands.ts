import { detectLang, type Lang } from '../knowledge';

export type CommandKind = 'help' | 'cancel' | 'ping';

export interface Command {
  kind: CommandKind;
  /** The language the command word is in; undefined for words like "?" that are in none. */
  lang?: Lang;
}

/** Words that interrupt whatever the conversation is doing. Only whole messages count, so "取消了哪些审批？" is a question. */
const COMMANDS = new Map<string, Command>([
  ...['帮助', '帮忙', '使用说明', '怎么用'].map((w) => [w, { kind: 'help', lang: 'zh' }] as const),
  ...['help'].map((w) => [w, { kind: 'help', lang: 'en' }] as const),
  ...['?', '？'].map((w) => [w, { kind: 'help' }] as const),
  ...['取消', '算了', '不用了', '退出', '重新开始'].map((w) => [w, { kind: 'cancel', lang: 'zh' }] as const),
  ...['cancel', 'stop', 'quit', 'never mind', 'nevermind', 'start over'].map((w) => [w, { kind: 'cancel', lang: 'en' }] as const),
  ['ping', { kind: 'ping' }],
]);

/** The command a message is, if it is one: "Help!", " 取消。" and "CANCEL" all count. */
export function commandOf(text: string): Command | undefined {
  const word = text.trim().toLowerCase();
  // Trailing punctuation is dropped unless it is the whole message ("?" asks for help).
  return COMMANDS.get(word) ?? COMMANDS.get(word.replace(/[\s。.!！?？~～]+$/u, ''));
}

/** The language a text is written in, or undefined when it has no words ("2", "?", "4.3"). */
export function spokenLang(text: string): Lang | undefined {
  return /[\p{Script=Han}A-Za-z]/u.test(text) ? detectLang(text) : undefined;
}
