/**
 * How a benchmark hands its figures to `npm run bench` (test/bench/index.ts).
 *
 * The convention: a bench file is a script that prints whatever it likes for a person to read and,
 * for every figure the README should show, one line `FIGURE {json}` on stdout, the JSON being a
 * Figure (printFigure writes it). The collector runs each bench in its own process, passes its
 * output through, gathers those lines in the order they came and prints them at the end as one
 * Markdown block, which `npm run bench -- --readme` also writes into README.md between
 * <!-- bench:start --> and <!-- bench:end -->. To add a bench: write the file, call printFigure for
 * its figures, add its name to BENCHES in index.ts.
 */

export interface Figure {
  /** What was measured, as the table's first column says it. */
  what: string;
  /** The measurement, as it should read ("median 54 ms, max 99 ms"). */
  measured: string;
  /** The target, or '—' when there is none. */
  target?: string;
  /** Whether the target is met; left out when there is no target. */
  met?: boolean;
}

export const FIGURE_PREFIX = 'FIGURE ';

export function printFigure(figure: Figure): void {
  console.log(FIGURE_PREFIX + JSON.stringify(figure));
}

/** The figures in a bench's output, in order; other lines are ignored. */
export function readFigures(output: string): Figure[] {
  return output
    .split('\n')
    .filter((line) => line.startsWith(FIGURE_PREFIX))
    .map((line) => JSON.parse(line.slice(FIGURE_PREFIX.length)) as Figure);
}

/** The Markdown block of the figures: the table, then when and where they were measured. */
export function figuresBlock(figures: Figure[], machine: { date: string; cores: number; cpu: string; node: string }): string {
  const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  const verdict = (f: Figure) => (f.met === undefined ? '' : f.met ? ' — met' : ' — **not met**');
  return [
    `Measured by \`npm run bench\` on ${machine.date}: ${machine.cores} cores (${machine.cpu}), Node ${machine.node}.`,
    '',
    '| what | measured | target |',
    '|---|---|---|',
    ...figures.map((f) => `| ${cell(f.what)} | ${cell(f.measured)} | ${cell(f.target ?? '—')}${verdict(f)} |`),
  ].join('\n');
}

export const README_START = '<!-- bench:start -->';
export const README_END = '<!-- bench:end -->';

/** README's text with the block between the markers replaced; an error when the markers are missing. */
export function replaceReadmeBlock(readme: string, block: string): string {
  const start = readme.indexOf(README_START);
  const end = readme.indexOf(README_END);
  if (start < 0 || end < start) throw new Error(`README.md has no ${README_START} … ${README_END} markers`);
  return `${readme.slice(0, start + README_START.length)}\n${block}\n${readme.slice(end)}`;
}
