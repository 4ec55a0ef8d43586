import fs from 'node:fs';
import { itemCard } from '../../dialogs/cards';
import { loadDirectory, loadOverlay } from '../../knowledge/curated';
import { parsePlan } from '../../knowledge/plan/parse';
import { DEFAULT_SOURCE } from '../../knowledge/store';
import { PlanViews } from '../../knowledge/answer/views';
import type { CardJson } from '../support/bot';

const views = new PlanViews(parsePlan(fs.readFileSync(DEFAULT_SOURCE, 'utf8')), loadDirectory(), loadOverlay());
const items = [...views.items.values()];

function card(id: string, lang: 'zh' | 'en', next: string[] = []): CardJson {
  return itemCard(views.item(id), lang, next) as unknown as CardJson;
}

function facts(c: CardJson): Record<string, string> {
  return Object.fromEntries(c.body.find((b) => b.type === 'FactSet')!.facts!.map((f) => [f.title, f.value]));
}

describe('the item card', () => {
  test('every item, in both languages, has a schema version channels render, its id and title, and a value for every fact', () => {
    expect(items).toHaveLength(23);
    for (const { id } of items) {
      for (const lang of ['zh', 'en'] as const) {
        const c = card(id, lang);
        expect(c).toMatchObject({ type: 'AdaptiveCard', version: '1.4' });
        expect(c.body[0].text).toMatch(new RegExp(`^${id.replace('.', '\\.')} \\S`));
        expect(Object.values(facts(c)).every((v) => v.trim().length > 0)).toBe(true);
      }
    }
  });

  test('dated items show their due dates; items without a lead say so', () => {
    expect(facts(card('1.1', 'zh'))['时间要求']).toBe('2020-12-31前');
    expect(facts(card('1.1', 'en')).Deadlines).toBe('due 2020-12-31');
    const withoutLead = items.find((i) => !i.lead)!;
    expect(facts(card(withoutLead.id, 'zh'))['牵头单位']).toBe('无');
    expect(facts(card(withoutLead.id, 'en')).Lead).toBe('None');
  });

  test('English cards have English labels and show the Chinese title under the English one', () => {
    const c = card('4.3', 'en');
    expect(Object.keys(facts(c))).toEqual(['Lead', 'Co-responsible', 'Deadlines', 'Source']);
    expect(c.body[1].text).toContain('完善土地开发利用机制');
  });

  test('each next question becomes a button that sends it', () => {
    const c = card('4.3', 'zh', ['4.3原文']);
    expect(c.actions).toEqual([
      { type: 'Action.Submit', title: '4.3原文', data: { question: '4.3原文', msteams: { type: 'imBack', value: '4.3原文' } } },
    ]);
  });
});
