// The chat page: the page's texts and example questions in the chosen language, and Web Chat
// (window.WebChat, from webchat.js) connected to the bot through createDirectLine.

import { createDirectLine } from './directLine.js';
import { forgetSession, openSession } from './session.js';

/** The page's words in each language (bot/web/pageTexts.ts), written into the page by the server. */
const TEXTS = JSON.parse(document.getElementById('page-texts').textContent);
const LANGUAGE_KEY = 'edz-webchat-language';

const STYLE_OPTIONS = {
  accent: '#1f5fa8',
  primaryFont: 'system-ui, -apple-system, "PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", sans-serif',
  bubbleBorderRadius: 8,
  bubbleFromUserBorderRadius: 8,
  bubbleMaxWidth: 640,
  hideUploadButton: true,
  // Buttons wrap onto more lines instead of a carousel a phone shows one of at a time.
  suggestedActionLayout: 'flow',
};

/**
 * A card's question button posts its data as a value, which Web Chat does not show. Sent as
 * the question's text instead, it appears in the transcript like a typed question, as in Teams.
 */
const showClickedQuestions = () => (next) => (card) => {
  const question = card.cardAction.type === 'postBack' ? card.cardAction.value?.question : undefined;
  return next(typeof question === 'string' ? { ...card, cardAction: { type: 'imBack', value: question } } : card);
};

const store = window.WebChat.createStore();
let language = initialLanguage();

document.getElementById('language').addEventListener('click', (event) => {
  const chosen = event.target.closest('button')?.dataset.lang;
  if (!chosen || chosen === language) return;
  language = chosen;
  localStorage.setItem(LANGUAGE_KEY, language);
  render();
});
document.getElementById('restart').addEventListener('click', () => {
  forgetSession();
  location.reload();
});

let directLine;
let session;
/** Undefined, or the name of the text saying what went wrong: 'sessionEnded' or 'unavailable'. */
let problem;
try {
  session = await openSession();
  directLine = createDirectLine(session, () => showProblem('sessionEnded'));
} catch {
  problem = 'unavailable';
}
render();

/** ?lang=en (a link from an English page) wins, then the last choice, then Chinese. */
function initialLanguage() {
  const wanted = new URLSearchParams(location.search).get('lang') ?? localStorage.getItem(LANGUAGE_KEY);
  return wanted && Object.hasOwn(TEXTS, wanted) ? wanted : 'zh';
}

function render() {
  const texts = TEXTS[language];
  document.documentElement.lang = texts.locale;
  document.title = texts.title;
  document.getElementById('title').textContent = texts.title;
  document.getElementById('intro').textContent = texts.intro;
  document.getElementById('examples-heading').textContent = texts.examplesHeading;
  document.getElementById('examples').replaceChildren(...texts.examples.map(exampleButton));
  document.getElementById('bind-hint').textContent = texts.bindHint;
  document.getElementById('language').setAttribute('aria-label', texts.languageLabel);
  for (const button of document.querySelectorAll('#language button'))
    button.setAttribute('aria-pressed', String(button.dataset.lang === language));
  renderProblem(texts);
  if (directLine) renderChat(texts);
}

function renderChat(texts) {
  window.WebChat.renderWebChat(
    {
      directLine,
      store,
      userID: session.userId,
      locale: texts.locale,
      styleOptions: STYLE_OPTIONS,
      cardActionMiddleware: showClickedQuestions,
    },
    document.getElementById('chat'),
  );
}

function exampleButton(question) {
  const button = document.createElement('button');
  button.type = 'button';
  button.textContent = question;
  button.addEventListener('click', () => store.dispatch({ type: 'WEB_CHAT/SEND_MESSAGE', payload: { text: question } }));
  const item = document.createElement('li');
  item.append(button);
  return item;
}

/** The conversation's token was refused (it expired, or the server restarted): a new conversation is offered. */
function showProblem(kind) {
  problem = kind;
  renderProblem(TEXTS[language]);
}

function renderProblem(texts) {
  document.getElementById('problem').hidden = !problem;
  document.getElementById('problem-text').textContent = problem ? texts[problem] : '';
  document.getElementById('restart').textContent = texts.restart;
}
