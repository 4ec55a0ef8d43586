// The console's only script (no inline script runs: the CSP forbids it). Draws the charts whose
// data the page carries in data-chart, with uPlot (served from node_modules), and copies a code.
'use strict';

const COLOURS = ['#0b5cad', '#e3a21a', '#b02a2a', '#5b6b7f'];

function drawChart(el) {
  const spec = JSON.parse(el.dataset.chart);
  const xs = spec.x.map((_, i) => i);
  const bars = spec.kind === 'bars' ? uPlot.paths.bars({ size: [0.6, 40] }) : undefined;
  const options = {
    width: el.clientWidth || 600,
    height: 240,
    scales: { x: { time: false } },
    axes: [
      { values: (_u, ticks) => ticks.map((i) => (Number.isInteger(i) && spec.x[i] !== undefined ? String(spec.x[i]).slice(-5) : '')) },
      {},
    ],
    series: [
      {},
      ...spec.series.map((s, i) => ({
        label: spec.labels[s.key] || s.key,
        stroke: COLOURS[i % COLOURS.length],
        fill: bars ? COLOURS[i % COLOURS.length] + '88' : undefined,
        paths: bars,
        width: 2,
      })),
    ],
  };
  const chart = new uPlot(options, [xs, ...spec.series.map((s) => s.values)], el);
  window.addEventListener('resize', () => chart.setSize({ width: el.clientWidth, height: 240 }));
}

document.addEventListener('DOMContentLoaded', () => {
  for (const el of document.querySelectorAll('[data-chart]')) drawChart(el);
  for (const button of document.querySelectorAll('[data-copy]')) {
    button.addEventListener('click', () => {
      const text = document.getElementById(button.dataset.copy).textContent;
      navigator.clipboard.writeText(text).catch(() => {});
    });
  }
});
