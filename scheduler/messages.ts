import type { Item, Lang } from '../knowledge';
import type { IsoDate } from './clock';
import type { UnitLookup } from './units';
import type { AssessmentResult, Completion, Contact, Milestone, Report } from './records';

/** Everything the scheduler says, in Chinese and English. The plan's names stay in Chinese in both. */

export type { Lang };

const pick = (lang: Lang, zh: string, en: string) => (lang === 'zh' ? zh : en);

// ——— proactive messages ———

export function reminderText(lang: Lang, r: { unit: string; item: Item; milestone: Milestone; daysLeft: number }): string {
  const { unit, item, milestone: m, daysLeft } = r;
  const how = pick(lang, `完成后请回复「完成 ${item.id}」，报告进展请回复「进展 ${item.id} 内容」。`,
    `Reply "done ${item.id}" when it is done, or "progress ${item.id} <text>" to report progress.`);
  if (daysLeft < 0) {
    return pick(lang,
      `【逾期提醒】${unit}：计划第${item.id}项「${item.title}」的节点「${m.title}」已于${m.due}到期，已逾期${-daysLeft}天，尚未报告完成。`,
      `[Overdue] ${unit}: milestone "${m.title}" of item ${item.id} (${item.title}) was due on ${m.due}, ${-daysLeft} days ago, and has not been reported done. `) + how;
  }
  const when = daysLeft === 0 ? pick(lang, '今天到期', 'is due today') : pick(lang, `将于${m.due}到期（还有${daysLeft}天）`, `is due on ${m.due} (in ${daysLeft} days)`);
  return pick(lang,
    `【任务提醒】${unit}：计划第${item.id}项「${item.title}」的节点「${m.title}」${when}。`,
    `[Reminder] ${unit}: milestone "${m.title}" of item ${item.id} (${item.title}) ${when}. `) + how;
}

/** Put before a message sent on a later day than it should have been. */
export function lateNote(lang: Lang, dueDate: IsoDate): string {
  return pick(lang, `（补发：此消息本应于${dueDate}送达。）\n`, `(Late: this should have reached you on ${dueDate}.)\n`);
}

function consequence(lang: Lang, r: AssessmentResult): string {
  if (r.exitCandidate) return pick(lang, '连续两年考核后两位：通报警示，并列为兼并整合或退出对象', 'bottom two for two consecutive years: warned (通报警示) and a candidate for merger or exit (兼并整合或退出)');
  if (r.warned) return pick(lang, '考核后三位：通报警示', 'bottom three: warned (通报警示)');
  return pick(lang, '不在后三位，无通报警示', 'not in the bottom three: no warning');
}

function resultLine(lang: Lang, r: AssessmentResult): string {
  if (r.rank === null) return pick(lang, `${r.zone}（国家级）：得分${r.score}`, `${r.zone} (national-level): score ${r.score}`);
  return pick(lang, `第${r.rank}/${r.ranked}名 ${r.zone}：得分${r.score}，${consequence(lang, r)}`,
    `#${r.rank}/${r.ranked} ${r.zone}: score ${r.score}, ${consequence(lang, r)}`);
}

export function assessmentZoneText(lang: Lang, r: AssessmentResult): string {
  const head = pick(lang, `【${r.year}年度经济开发区考核结果】`, `[Development zone assessment ${r.year}] `);
  if (r.rank === null) {
    return head + pick(lang,
      `${r.zone}（国家级）：得分${r.score}。行动计划第5.5条的排名、通报警示和兼并整合或退出适用于省级经济开发区。`,
      `${r.zone} (national-level): score ${r.score}. The ranking, warnings and merger-or-exit of item 5.5 apply to provincial-level zones.`);
  }
  return head + pick(lang,
    `${r.zone}（省级）：得分${r.score}，在${r.ranked}个省级经济开发区中排名第${r.rank}位。按行动计划第5.5条：${consequence(lang, r)}。`,
    `${r.zone} (provincial-level): score ${r.score}, rank ${r.rank} of ${r.ranked} provincial-level zones. Under item 5.5 of the plan: ${consequence(lang, r)}.`);
}

/** The full table: what 省商务厅 and the admins receive, and see in chat. */
export function assessmentTable(lang: Lang, year: number, results: readonly AssessmentResult[], previousYearKnown = true): string {
  const lines = [pick(lang, `【${year}年度经济开发区考核结果】（${results.length}个）`, `[Development zone assessment ${year}] (${results.length} zones)`)];
  lines.push(...results.map((r) => resultLine(lang, r)));
  if (!previousYearKnown) {
    lines.push(pick(lang, `注：没有${year - 1}年的结果，未判断“连续两年考核后两位”。`, `Note: there are no ${year - 1} results, so the two-year rule was not applied.`));
  }
  return lines.join('\n');
}

export function assessmentSummaryText(lang: Lang, year: number, results: readonly AssessmentResult[], previousYearKnown: boolean): string {
  const warned = results.filter((r) => r.warned).map((r) => r.zone);
  const exits = results.filter((r) => r.exitCandidate).map((r) => r.zone);
  const summary = pick(lang,
    `通报警示：${warned.join('、') || '无'}；兼并整合或退出：${exits.join('、') || '无'}。`,
    `Warned: ${warned.join(', ') || 'none'}; merger or exit: ${exits.join(', ') || 'none'}.`);
  return `${assessmentTable(lang, year, results, previousYearKnown)}\n${summary}`;
}

function who(lang: Lang, c: { contactKind: string; contactTarget: string; contactName: string | null; conversationId: string }): string {
  const target = c.contactKind === 'admin' ? pick(lang, '管理员', 'admin') : c.contactTarget;
  return `${target}${c.contactName ? ` ${c.contactName}` : ''}（${pick(lang, '会话', 'conversation')} ${c.conversationId}）`;
}

export function deadNotice(lang: Lang, m: { contactKind: string; contactTarget: string; contactName: string | null; conversationId: string; attempts: number; text: string }, error: string): string {
  return pick(lang,
    `【发送失败】发给${who(lang, m)}的消息经${m.attempts}次尝试仍未送达，已停止重试。最后的错误：${error}\n消息：${m.text.slice(0, 200)}`,
    `[Send failed] A message to ${who(lang, m)} was not delivered after ${m.attempts} attempts; no more retries. Last error: ${error}\nMessage: ${m.text.slice(0, 200)}`);
}

export function goneNotice(lang: Lang, m: { contactKind: string; contactTarget: string; contactName: string | null; conversationId: string }, status: number, contacts: readonly Contact[]): string {
  const bindings = contacts.map((c) => (c.kind === 'admin' ? pick(lang, '管理员', 'admin') : c.target)).join(pick(lang, '、', ', '));
  return pick(lang,
    `【联系人停用】${who(lang, m)}无法送达（HTTP ${status}：机器人被屏蔽或移出，或会话已不存在），已停用其绑定：${bindings}。对方再次给机器人发消息即自动恢复；也可重新邀请。`,
    `[Contact inactive] ${who(lang, m)} cannot be reached (HTTP ${status}: the bot was blocked or removed, or the conversation is gone). Its bindings are now inactive: ${bindings}. They come back when the person writes to the bot again; or invite someone else.`);
}

// ——— chat replies ———

function bindingLabel(lang: Lang, c: Pick<Contact, 'kind' | 'target'>): string {
  if (c.kind === 'admin') return pick(lang, '管理员（接收发送失败通知和考核汇总）', 'admin (send failures and assessment summaries)');
  if (c.kind === 'zone') return pick(lang, `${c.target}（开发区联系人，接收本区考核结果）`, `${c.target} (zone contact: the zone's assessment results)`);
  return pick(lang, `${c.target}（部门联络人，接收任务提醒）`, `${c.target} (department liaison: task reminders)`);
}

export const replies = {
  bound: (lang: Lang, c: Contact) =>
    pick(lang, `绑定成功：此会话现为 ${bindingLabel(lang, c)}。回复「我的订阅」查看，回复「解绑」取消。`,
      `Bound: this conversation is now ${bindingLabel(lang, c)}. Reply "my subscriptions" to see it, "unbind" to stop.`),
  already: (lang: Lang, c: Contact) =>
    pick(lang, `此会话已经是 ${bindingLabel(lang, c)}，无需再次绑定；这个绑定码没有被使用。`,
      `This conversation is already ${bindingLabel(lang, c)}; the code was not used.`),
  bindUsage: (lang: Lang) =>
    pick(lang, '请发送「绑定 绑定码」，绑定码由管理员提供。', 'Send "bind <code>" with the code an admin gave you.'),
  zoneMissing: (lang: Lang) => pick(lang, '请写明开发区名称。', 'Name the zone.'),
  invalidCode: (lang: Lang) =>
    pick(lang, '绑定码无效、已使用或已过期。请向管理员索取新的绑定码。', 'That code is not valid, already used or expired. Ask an admin for a new one.'),
  rateLimited: (lang: Lang, minutes: number) =>
    pick(lang, `尝试次数过多，请${minutes}分钟后再试。`, `Too many attempts. Try again in ${minutes} minutes.`),
  unbound: (lang: Lang, ended: readonly Contact[]) =>
    ended.length
      ? pick(lang, `已解绑：${ended.map((c) => bindingLabel(lang, c)).join('；')}。此会话不再收到这些消息。`,
          `Unbound: ${ended.map((c) => bindingLabel(lang, c)).join('; ')}. This conversation no longer receives them.`)
      : pick(lang, '您在此会话中没有绑定。', 'You have no binding in this conversation.'),
  subscriptions: (lang: Lang, bindings: readonly Contact[]) =>
    bindings.length
      ? [pick(lang, '此会话的订阅：', 'This conversation receives:'),
          ...bindings.map((c) => `- ${bindingLabel(lang, c)}${c.status === 'inactive' ? pick(lang, '（已停用：无法送达）', ' (inactive: could not be reached)') : ''}`)].join('\n')
      : pick(lang, '此会话没有订阅。请用管理员给的绑定码发送「绑定 绑定码」。', 'This conversation has no subscriptions. Send "bind <code>" with the code an admin gave you.'),
  notLiaison: (lang: Lang) =>
    pick(lang, '此会话没有绑定任何部门，不能报告进展。请先用绑定码「绑定 绑定码」。', 'This conversation is not bound to a department, so it cannot report progress. Bind it first with "bind <code>".'),
  unknownItem: (lang: Lang, id: string) =>
    pick(lang, `行动计划中没有第${id}项。`, `The plan has no item ${id}.`),
  notResponsible: (lang: Lang, item: Item, units: readonly string[], own: readonly string[]) =>
    pick(lang, `第${item.id}项的责任单位是${units.join('、')}；此会话绑定的${own.join('、')}不在其中，不能报告。`,
      `Item ${item.id} belongs to ${units.join(', ')}; ${own.join(', ')}, bound here, is not among them, so it cannot report on it.`),
  progressRecorded: (lang: Lang, item: Item, units: readonly string[]) =>
    pick(lang, `已记录${units.join('、')}对第${item.id}项「${item.title}」的进展。`, `Recorded the progress of ${units.join(', ')} on item ${item.id} (${item.title}).`),
  completion: (lang: Lang, item: Item, c: Completion) => {
    if (!c.milestone) {
      return pick(lang, `已记录${c.unit}报告第${item.id}项完成；该项目前没有发给${c.unit}的未完成节点。`,
        `Recorded that ${c.unit} reports item ${item.id} done; no open milestone of it is addressed to ${c.unit}.`);
    }
    const m = c.milestone;
    const next = c.nextDue ? pick(lang, `这是周期性任务，下一次截止日期为${c.nextDue}。`, `It recurs: the next one is due on ${c.nextDue}.`) : '';
    return pick(lang, `已记录：${c.unit}完成第${item.id}项的节点「${m.title}」（截止${m.due}），不再提醒。${next}`,
      `Recorded: ${c.unit} has done milestone "${m.title}" of item ${item.id} (due ${m.due}); no more reminders for it. ${next}`).trim();
  },
  noResults: (lang: Lang, year: number) => pick(lang, `还没有${year}年的考核结果。`, `There are no assessment results for ${year} yet.`),
  resultsRefused: (lang: Lang) =>
    pick(lang, '考核结果只发给管理员、省商务厅和各开发区的联系人；此会话不能查看。', 'Assessment results are for the admins, 省商务厅 and each zone\'s contact; this conversation may not see them.'),
  adminOnly: (lang: Lang) =>
    pick(lang, '抱歉，这是管理员命令，您没有权限使用。', 'Sorry, that is an admin command, and you are not an admin.'),
  inviteCreated: (lang: Lang, label: string, code: string, expires: string) =>
    pick(lang, `已为 ${label} 生成一次性绑定码，${expires}前有效。请对方在与机器人的会话中发送「绑定 ${code}」：\n${code}`,
      `One-time code for ${label}, valid until ${expires}. The person sends "bind ${code}" to the bot:\n${code}`),
  unknownUnit: (lang: Lang, typed: string, lookup: Extract<UnitLookup, { ok: false }>) =>
    lookup.reason === 'ambiguous'
      ? pick(lang, `“${typed}”对应行动计划中的多个单位（${lookup.candidates.join('、')}），请写明其中一个。`,
          `“${typed}” matches several units of the plan (${lookup.candidates.join(', ')}); name one of them.`)
      : pick(lang, `行动计划中没有单位“${typed}”。请用计划中的名称（如 省国土资源厅）或其现名、简称（如 自然资源厅）。`,
          `The plan has no unit “${typed}”. Use the plan's name (e.g. 省国土资源厅), its current name or an abbreviation (e.g. 自然资源厅).`),
  milestoneAdded: (lang: Lang, m: Milestone) => pick(lang, `已添加节点 #${m.id}：`, `Added milestone #${m.id}: `) + milestoneLine(lang, m),
  milestoneRemoved: (lang: Lang, m: Milestone) => pick(lang, `已删除节点 #${m.id}：`, `Removed milestone #${m.id}: `) + milestoneLine(lang, m),
  milestoneProblem: (lang: Lang, problem: string, detail: string) =>
    ({
      'unknown-item': pick(lang, `行动计划中没有第${detail}项。`, `The plan has no item ${detail}.`),
      'bad-date': pick(lang, `“${detail}”不是有效日期，请写成 2027-03-31。`, `“${detail}” is not a date; write it as 2027-03-31.`),
      'not-found': pick(lang, `没有节点 #${detail}。`, `There is no milestone #${detail}.`),
      'empty-title': pick(lang, '节点需要标题。', 'A milestone needs a title.'),
    })[problem] ?? detail,
  adminUsage: (lang: Lang) =>
    pick(lang,
      ['管理员命令：', '邀请 部门 <单位> [姓名] | 邀请 开发区 <区名> [姓名] | 邀请 管理员 [姓名]',
        '里程碑 列表 | 里程碑 添加 <项> <YYYY-MM-DD> <标题> [牵头|全部] | 里程碑 删除 <编号>', '进展列表'].join('\n'),
      ['Admin commands:', 'invite dept <unit> [name] | invite zone <zone> [name] | invite admin [name]',
        'milestone list | milestone add <item> <YYYY-MM-DD> <title> [lead|all] | milestone remove <id>', 'progress list'].join('\n')),
};

export function milestoneLine(lang: Lang, m: Milestone, units?: readonly string[]): string {
  const audience = m.audience === 'lead' ? pick(lang, '牵头单位', 'lead unit') : pick(lang, '全部责任单位', 'all responsible units');
  const repeat = m.repeatMonths ? pick(lang, `，每${m.repeatMonths}个月`, `, every ${m.repeatMonths} months`) : '';
  const status = m.status === 'open' ? '' : ` [${m.status}]`;
  const to = units?.length ? `: ${units.join(pick(lang, '、', ', '))}` : '';
  return `#${m.id} ${m.itemId} ${m.due} ${m.title} (${audience}${to}${repeat})${status}`;
}

export function milestoneList(lang: Lang, rows: readonly { milestone: Milestone; units: readonly string[] }[]): string {
  if (!rows.length) return pick(lang, '没有节点。', 'No milestones.');
  return rows.map((r) => milestoneLine(lang, r.milestone, r.units)).join('\n');
}

export function reportList(lang: Lang, reports: readonly Report[], formatTime: (ms: number) => string): string {
  if (!reports.length) return pick(lang, '还没有进展报告。', 'No progress reports yet.');
  return reports
    .map((r) => {
      const what = r.kind === 'done' ? pick(lang, '完成', 'done') : r.text;
      return `${formatTime(r.at)} ${r.itemId} ${r.unit}${r.contactName ? ` (${r.contactName})` : ''}: ${what}`;
    })
    .join('\n');
}
