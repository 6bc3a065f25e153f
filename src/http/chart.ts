// Stories per week as inline SVG, made on the server: no script, no external file, nothing the strict CSP forbids
// (presentation attributes, never style attributes). One small bar chart per series ("small multiples"), all on one
// scale, each with its name and total written out, so that reading it needs neither colour nor a legend; the
// numbers themselves are in a table under the chart for screen readers and for anyone who wants them exact.
// Accessible by construction: role="img" with <title> and <desc> (which says the range, each series' total and its
// busiest week), text labels, and one colour with 7:1 contrast on white.
// Pure: data in, markup out; every text is escaped here.
import { escapeHtml as esc } from '../core/html.ts';

export interface ChartSeries {
  /** Shown as the row's name. */
  label: string;
  /** One count per week, oldest first, as many as weeks. */
  counts: number[];
}

export interface ChartWeek {
  /** Monday of the week, YYYY-MM-DD. */
  start: string;
  /** The week as a reader says it ("3 Nov"), for the table and the description. */
  label: string;
  /** Set on the first week of a month: the axis writes it under that week ("Nov"). */
  tick?: string | undefined;
}

export interface ChartWords {
  /** "Stories per week by topic". */
  title: string;
  /** "2 Jun – 24 Nov 2026". */
  range: string;
  total(n: number): string;
  busiest(week: string, n: number): string;
  none: string;
  tableSummary: string;
  week: string;
}

// Drawn 420 units wide: at 390 px the chart is about 360 px, so 14-unit text stays 12 px; the stylesheet caps
// its width on wide screens so it does not grow past 1.4×.
const WIDTH = 420;
const LABEL_HEIGHT = 22;
/** Room above the tallest bar for its number, so it never runs into the row's name or total. */
const PEAK_SPACE = 14;
const BAR_HEIGHT = 36;
const ROW_GAP = 14;
const AXIS_HEIGHT = 20;
const BAR = '#0b57a4';
const INK = '#1f2328';
const MUTED = '#57606a';

/**
 * A <figure> with the SVG chart and its data table; empty string when there is no series. `id` names the chart's
 * title and description for aria-labelledby (unique within the page).
 */
export function renderWeeklyChart(
  id: string,
  weeks: ChartWeek[],
  series: ChartSeries[],
  t: ChartWords,
): string {
  if (series.length === 0 || weeks.length === 0) return '';
  const max = Math.max(1, ...series.flatMap((s) => s.counts));
  const step = WIDTH / weeks.length;
  const barWidth = Math.max(1, step - 2);
  const rowHeight = LABEL_HEIGHT + PEAK_SPACE + BAR_HEIGHT + ROW_GAP;
  const height = series.length * rowHeight + AXIS_HEIGHT;
  const rows = series.map((s, row) => {
    const top = row * rowHeight;
    const base = top + LABEL_HEIGHT + PEAK_SPACE + BAR_HEIGHT;
    const total = s.counts.reduce((a, b) => a + b, 0);
    const peak = Math.max(...s.counts);
    const bars = s.counts
      .map((n, w) => {
        if (n === 0) return '';
        const h = Math.max(2, Math.round((n / max) * BAR_HEIGHT));
        return `<rect x="${(w * step + 1).toFixed(1)}" y="${base - h}" width="${barWidth.toFixed(1)}" height="${h}" fill="${BAR}"/>`;
      })
      .join('');
    const peakAt = s.counts.indexOf(peak);
    const peakLabel =
      peak > 0
        ? `<text x="${Math.min(WIDTH - 2, peakAt * step + step / 2).toFixed(1)}" y="${base - Math.max(2, Math.round((peak / max) * BAR_HEIGHT)) - 3}" font-size="12" fill="${MUTED}" text-anchor="${peakAt * step + step / 2 > WIDTH - 20 ? 'end' : 'middle'}">${peak}</text>`
        : '';
    return `<g><text x="0" y="${top + 15}" font-size="14" font-weight="bold" fill="${INK}">${esc(s.label)}</text><text x="${WIDTH}" y="${top + 15}" font-size="13" fill="${MUTED}" text-anchor="end">${esc(t.total(total))}</text><line x1="0" x2="${WIDTH}" y1="${base + 0.5}" y2="${base + 0.5}" stroke="${MUTED}" stroke-width="1"/>${bars}${peakLabel}</g>`;
  });
  const axisY = series.length * rowHeight + 14;
  const ticks = weeks
    .map((week, w) =>
      week.tick
        ? `<text x="${(w * step).toFixed(1)}" y="${axisY}" font-size="12" fill="${MUTED}">${esc(week.tick)}</text>`
        : '',
    )
    .join('');
  const description = [
    t.range,
    ...series.map((s) => {
      const total = s.counts.reduce((a, b) => a + b, 0);
      const peak = Math.max(...s.counts);
      const week = weeks[s.counts.indexOf(peak)];
      return `${s.label}: ${t.total(total)}${peak > 0 && week ? `, ${t.busiest(week.label, peak)}` : ''}`;
    }),
  ].join('. ');
  const table = `<details><summary>${esc(t.tableSummary)}</summary><div class="table-scroll"><table><caption>${esc(t.title)}, ${esc(t.range)}</caption><thead><tr><th scope="col">${esc(t.week)}</th>${series
    .map((s) => `<th scope="col">${esc(s.label)}</th>`)
    .join('')}</tr></thead><tbody>${weeks
    .map(
      (week, w) =>
        `<tr><th scope="row"><time datetime="${esc(week.start)}">${esc(week.label)}</time></th>${series
          .map((s) => `<td>${s.counts[w] ?? 0}</td>`)
          .join('')}</tr>`,
    )
    .join('')}</tbody></table></div></details>`;
  return `<figure class="chart">
<figcaption>${esc(t.title)} <span class="range">(${esc(t.range)})</span></figcaption>
<svg role="img" aria-labelledby="${id}-t ${id}-d" viewBox="0 0 ${WIDTH} ${height}" width="100%" preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg"><title id="${id}-t">${esc(t.title)}</title><desc id="${id}-d">${esc(description)}</desc>${rows.join('')}${ticks}</svg>
${table}
</figure>`;
}
