import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { COMMAND_WORDS_FILE, CommandReader, loadCommandWords } from '../../dialogs/commands';

/** Every command a person can type is read in dialogs/commands.ts, with the words of dialogs/commands.json. */

const reader = new CommandReader();

/** A reminders' command as the scheduler gets it, with the language of its words; null for anything else. */
function schedulerCommandOf(text: string) {
  const command = reader.read(text);
  return command?.kind === 'scheduler' ? { ...command.command, lang: command.lang } : null;
}

describe('reading the reminders’ commands', () => {
  test.each([
    ['绑定 ABCDE-23456', { name: 'bind', code: 'ABCDE-23456', lang: 'zh' }],
    ['ｂｉｎｄ　abcde-23456', { name: 'bind', code: 'abcde-23456', lang: 'en' }],
    ['进展４．３ 已报送方案', { name: 'progress', itemId: '4.3', text: '已报送方案', lang: 'zh' }],
    ['done o.3', { name: 'done', itemId: 'O.3', lang: 'en' }],
    ['2026年度考核结果', { name: 'assessment', year: 2026, lang: 'zh' }],
    ['邀请 开发区 济南经济开发区 李四', { name: 'invite', kind: 'zone', target: '济南经济开发区', personName: '李四', lang: 'zh' }],
    [
      'milestone add 4.3 2027-03-31 Land report all',
      { name: 'milestone-add', itemId: '4.3', due: '2027-03-31', title: 'Land report', audience: 'all', lang: 'en' },
    ],
    ['里程碑 删除 #12', { name: 'milestone-remove', id: 12, lang: 'zh' }],
    ['4.3的牵头单位是谁', null],
  ])('%s', (text, expected) => {
    expect(schedulerCommandOf(text)).toEqual(expected);
  });
});

describe('help, cancel and ping', () => {
  test.each([
    ['帮助', { kind: 'help', lang: 'zh' }],
    ['Help!', { kind: 'help', lang: 'en' }],
    ['？', { kind: 'help' }],
    [' 取消。', { kind: 'cancel', lang: 'zh' }],
    ['CANCEL', { kind: 'cancel', lang: 'en' }],
    ['never mind', { kind: 'cancel', lang: 'en' }],
    ['ping', { kind: 'ping' }],
    ['echo 谁牵头土地任务？', { kind: 'echo', text: '谁牵头土地任务？', lang: 'zh' }],
    ['Echo what about the co-responsible units?', { kind: 'echo', text: 'what about the co-responsible units?', lang: 'en' }],
    ['echo 2', { kind: 'echo', text: '2' }],
  ])('%s', (text, expected) => {
    expect(reader.read(text)).toEqual(expected);
  });

  test('only whole messages are commands', () => {
    for (const question of [
      'echo',
      'echoes of 4.3',
      '取消了哪些审批？',
      '绑定是什么意思',
      'help me find the land-use task',
      '4.3的牵头单位是谁',
    ])
      expect(reader.read(question)).toBeUndefined();
  });
});

test('a command-words file with a missing table is refused, naming it', () => {
  const words = JSON.parse(fs.readFileSync(COMMAND_WORDS_FILE, 'utf8'));
  delete words.en.done;
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'edz-words-')), 'commands.json');
  fs.writeFileSync(file, JSON.stringify(words));
  expect(() => loadCommandWords(file)).toThrow(/en\.done/);
});
