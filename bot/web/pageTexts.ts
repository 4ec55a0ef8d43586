import { say } from '../../catalogue';
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

function pageTexts(lang: Lang, locale: string): PageTexts {
  return {
    locale,
    title: say(lang, 'page.title'),
    intro: say(lang, 'page.intro'),
    examplesHeading: say(lang, 'page.examplesHeading'),
    examples: [...EXAMPLE_QUESTIONS[lang], say(lang, 'page.oneStopExample')],
    bindHint: say(lang, 'page.bindHint'),
    languageLabel: say(lang, 'page.languageLabel'),
    sessionEnded: say(lang, 'page.sessionEnded'),
    unavailable: say(lang, 'page.unavailable'),
    restart: say(lang, 'page.restart'),
  };
}

export const PAGE_TEXTS: Record<Lang, PageTexts> = { zh: pageTexts('zh', 'zh-CN'), en: pageTexts('en', 'en-US') };
