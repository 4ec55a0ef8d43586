import { EXAMPLE_QUESTIONS } from '../../dialogs/texts';
import type { Lang } from '../../knowledge';

/** The page's own words in each language; the bot's replies follow the language of each question. */
export interface PageTexts {
  /** Web Chat's locale: its buttons, placeholders and notifications. */
  locale: string;
  title: string;
  intro: string;
  examplesHeading: string;
  /** Questions to click; each is answered by the knowledge base. */
  examples: string[];
  bindHint: string;
  languageLabel: string;
  /** When the conversation's token is no longer accepted (it expired, or the server restarted). */
  sessionEnded: string;
  /** When no conversation could be started. */
  unavailable: string;
  restart: string;
}

export const PAGE_TEXTS: Record<Lang, PageTexts> = {
  zh: {
    locale: 'zh-CN',
    title: '开发区政策助手',
    intro: '解答《山东省经济开发区转型升级五年行动计划》（鲁政办字〔2016〕202号）：任务由谁牵头、谁配合，有什么时间要求，原文怎么写。',
    examplesHeading: '试着问：',
    examples: [...EXAMPLE_QUESTIONS.zh, '投资者在开发区办事能一站式办理吗？'],
    bindHint: '部门和开发区联络员：输入“绑定 邀请码”，即可在此页面接收截止提醒。',
    languageLabel: '语言',
    sessionEnded: '对话已过期。',
    unavailable: '暂时无法连接助手，请稍后再试。',
    restart: '开始新对话',
  },
  en: {
    locale: 'en-US',
    title: 'EDZ Assistant',
    intro: "Questions about Shandong's five-year action plan for its economic development zones (鲁政办字〔2016〕202号): who leads a task, who else is responsible, its deadlines and its original text.",
    examplesHeading: 'Try asking:',
    examples: [...EXAMPLE_QUESTIONS.en, 'Can investors get one-stop service in a zone?'],
    bindHint: 'Liaisons of departments and zones: type "bind <code>" to receive deadline reminders on this page.',
    languageLabel: 'Language',
    sessionEnded: 'This conversation has expired.',
    unavailable: 'The assistant cannot be reached right now; please try again later.',
    restart: 'Start a new conversation',
  },
};
