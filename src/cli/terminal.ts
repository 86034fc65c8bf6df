/** A plain text table for a terminal: what commands print for people to read. */
export function printTable(headers: string[], rows: string[][], write: (line: string) => void = console.log) {
  const widths = headers.map((header, column) =>
    Math.min(60, Math.max(header.length, ...rows.map((row) => (row[column] ?? '').length))),
  );
  const line = (cells: string[]) =>
    cells
      .map((cell, column) => {
        const width = widths[column]!;
        return cell.length > width ? `${cell.slice(0, width - 1)}…` : cell.padEnd(width);
      })
      .join('  ')
      .trimEnd();
  write(line(headers));
  write(line(widths.map((width) => '-'.repeat(width))));
  for (const row of rows) write(line(row));
  if (rows.length === 0) write('(none)');
}
