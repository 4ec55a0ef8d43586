import type { Lang } from '../knowledge';

/** Questions the welcome and the help offer as buttons; each one is answered by the knowledge base. */
export const EXAMPLE_QUESTIONS: Record<Lang, string[]> = {
  zh: ['谁牵头土地任务？', '省商务厅牵头哪些任务？'],
  en: ['Who leads the land-use task?', 'Which tasks does the Department of Commerce lead?'],
};

/** The welcome is bilingual: nobody has written anything yet that would tell the language. */
export const WELCOME_TEXT = [
  '您好！我是开发区政策助手，解答《山东省经济开发区转型升级五年行动计划》（鲁政办字〔2016〕202号）的问题：某项任务由谁牵头、谁配合，有什么时间要求，原文怎么写，某个部门负责哪些任务。答完后可以接着问“配合单位有哪些？”“原文”。输入“帮助”查看用法，“取消”重新开始。',
  'Hello! I am the EDZ Assistant. I answer questions about Shandong\'s five-year action plan for its economic development zones (鲁政办字〔2016〕202号): who leads a task, who else is responsible, its deadlines, its original text, and which tasks a department has. Ask in Chinese or English, and follow up with "what about the co-responsible units?". Type "help" for tips or "cancel" to start over.',
].join('\n\n');

export const HELP_TEXT: Record<Lang, string> = {
  zh: [
    '我可以回答《山东省经济开发区转型升级五年行动计划》（鲁政办字〔2016〕202号）的问题：',
    '• 某项任务由谁牵头、谁配合，例如“谁牵头土地任务？”',
    '• 某个部门牵头或参与哪些任务，例如“省商务厅牵头哪些任务？”',
    '• 任务的时间要求和原文：答完一个问题后接着问“配合单位有哪些？”“原文”即可',
    '输入“取消”可以随时重新开始。也可以用英文提问。',
  ].join('\n'),
  en: [
    'I answer questions about Shandong\'s five-year action plan for its economic development zones (鲁政办字〔2016〕202号):',
    '• who leads a task and who else is responsible, e.g. "Who leads the land-use task?"',
    '• which tasks a department leads or takes part in, e.g. "Which tasks does the Department of Commerce lead?"',
    '• a task\'s deadlines and original text: after an answer, just ask "what about the co-responsible units?" or "original text"',
    'Type "cancel" at any time to start over. You can also ask in Chinese.',
  ].join('\n'),
};

export const CANCELLED_TEXT: Record<Lang, string> = {
  zh: '好的，已取消，我们重新开始。请问您想了解什么？',
  en: 'OK, cancelled. Let\'s start over: what would you like to know?',
};

/** The reply to `ping`: proves the bot is up without consulting the knowledge base. */
export const PONG_TEXT = 'pong';

/** Said when a turn failed; bilingual because a failed turn may not have told us the language. */
export const TURN_ERROR_TEXT = '抱歉，处理这条消息时出了问题，我已重置这次对话，请再问一次。\nSorry, something went wrong with that message. I have reset our conversation; please ask again.';
