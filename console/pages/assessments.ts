import { AssessmentCsvError, decodeAssessmentCsv, parseAssessmentCsv, rankYear } from '../../scheduler/assessment';
import type { AssessmentRow } from '../../scheduler/records';
import { field, query, upload } from '../http';
import { t } from '../texts';
import { type Handler, type Notice, type PageContext, formatters, ok } from './context';

/**
 * Assessment results: a CSV is checked and ranked as the CLI's import does, shown with every problem
 * on its line or with its ranking, and stored (and sent) only once the admin confirms.
 */

async function resultsPage(ctx: PageContext, extra: Record<string, unknown> = {}, status = 200, notice?: Notice) {
  const s = ctx.services;
  const asked = Number(query(ctx.req).get('year'));
  const year = Number.isInteger(asked) && asked > 0 ? asked : await s.assessments.latestYear();
  const results = year === null ? [] : await s.assessments.results(year);
  const ranked = results.filter((r) => r.rank !== null).sort((a, b) => (a.rank ?? 0) - (b.rank ?? 0));
  return {
    view: 'assessments',
    data: {
      year,
      results: [...ranked, ...results.filter((r) => r.rank === null)],
      notified: year === null ? [] : await s.assessments.notified(year),
      chart: { kind: 'bars', x: ranked.map((r) => r.zone), series: [{ key: 'score', values: ranked.map((r) => r.score) }] },
      fmt: formatters(ctx),
      errors: {},
      notice,
      ...extra,
    },
    status,
  };
}

export const assessmentResults: Handler = (ctx) => resultsPage(ctx);

/** The rows of the CSV, or the problems that refuse it (each with its line). */
function readCsv(bytes: Buffer): { rows: AssessmentRow[] } | { problems: string[] } {
  try {
    return { rows: parseAssessmentCsv(decodeAssessmentCsv(bytes)) };
  } catch (err) {
    if (err instanceof AssessmentCsvError) return { problems: err.problems };
    throw err;
  }
}

export const assessmentPreview: Handler = async (ctx) => {
  const bytes = upload(ctx.req, 'csv');
  if (!bytes?.length) return resultsPage(ctx, { errors: { csv: t(ctx.lang, 'required') } }, 400);
  const read = readCsv(bytes);
  if ('problems' in read) return resultsPage(ctx, { errors: { csv: t(ctx.lang, 'problems') }, problems: read.problems }, 400);
  // Ranked against the year before as stored now: what the import would store (it ranks again when confirmed).
  const years = [...new Set(read.rows.map((r) => r.year))].sort();
  const preview = [];
  for (const year of years) {
    const previous = read.rows.some((r) => r.year === year - 1)
      ? read.rows.filter((r) => r.year === year - 1)
      : await ctx.services.assessments.results(year - 1);
    preview.push({
      year,
      results: rankYear(
        read.rows.filter((r) => r.year === year),
        previous,
      ),
    });
  }
  return resultsPage(ctx, { preview, csvText: bytes.toString('base64') });
};

export const assessmentImport: Handler = async (ctx) => {
  const read = readCsv(Buffer.from(field(ctx.req, 'csvText'), 'base64'));
  if ('problems' in read) return resultsPage(ctx, { errors: { csv: t(ctx.lang, 'problems') }, problems: read.problems }, 400);
  const { years, enqueued } = await ctx.services.admin.importAssessments(read.rows, ctx.actor);
  return resultsPage(ctx, {}, 200, ok(ctx, 'imported', { years: years.map((y) => y.year).join(', '), enqueued }));
};
