// Plain-text tables for terminal output: columns padded to their widest cell (by code points, so Cyrillic aligns).

export function renderTable(headers: string[], rows: (string | number | undefined)[][]): string {
  const cells = rows.map((row) => headers.map((_, index) => String(row[index] ?? '')));
  const width = (text: string): number => [...text].length;
  const widths = headers.map((header, index) =>
    Math.max(width(header), ...cells.map((row) => width(row[index] ?? ''))),
  );
  const line = (row: string[]): string =>
    row
      .map((cell, index) => cell + ' '.repeat((widths[index] ?? 0) - width(cell)))
      .join('  ')
      .trimEnd();
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n') + '\n';
}

/** "3m ago", "in 12m" — for status columns. */
export function relativeTime(iso: string | undefined, now: Date = new Date()): string {
  if (!iso) return '';
  const seconds = Math.round((Date.parse(iso) - now.getTime()) / 1000);
  const abs = Math.abs(seconds);
  const text =
    abs < 90
      ? `${abs}s`
      : abs < 5400
        ? `${Math.round(abs / 60)}m`
        : abs < 172_800
          ? `${Math.round(abs / 3600)}h`
          : `${Math.round(abs / 86_400)}d`;
  return seconds < 0 ? `${text} ago` : `in ${text}`;
}

export function truncate(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}
