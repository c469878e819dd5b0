// Plain-text tables for benchmark figures.

export interface Row {
  tool: string;
  files: number;
  edges: number;
  wallSeconds: number;
  filesPerSecond: number;
  peakRssMb: number;
  recall: number;
  precision: number;
}

export function formatTable(corpus: string, version: string, rows: readonly Row[]): string {
  const header = ['tool', 'files', 'edges', 'wall s', 'files/s', 'peak RSS MB', 'file-edge recall', 'precision'];
  const body = rows.map((r) => [
    r.tool,
    String(r.files),
    String(r.edges),
    r.wallSeconds.toFixed(3),
    r.filesPerSecond.toFixed(0),
    r.peakRssMb.toFixed(0),
    `${(r.recall * 100).toFixed(1)} %`,
    `${(r.precision * 100).toFixed(1)} %`,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i]!.length)));
  const line = (cells: string[]) => `  ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ')}`;
  return [`${corpus} (${version})`, line(header), ...body.map(line)].join('\n');
}
