// Plain-text tables for benchmark figures.

/** One tool's figures on one corpus. */
export interface ToolFigures {
  tool: string;
  files: number;
  edges: number;
  wallSeconds: number;
  filesPerSecond: number;
  peakRssMb: number;
  /** Of the compiler's workspace file-to-file edges, the share this tool found (recall) and the share of its own that the compiler agrees with (precision). */
  recall: number;
  precision: number;
}

export function formatTable(corpus: string, version: string, rows: readonly ToolFigures[]): string {
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
