// Plain-text tables for benchmark figures.

/** One tool's figures on one corpus. */
export interface ToolFigures {
  tool: string;
  version: string;
  files: number;
  /** The tool's own edge count: kg's every edge kind, dependency-cruiser's every dependency, madge's local ones. */
  edges: number;
  /** Distinct workspace file-to-file import edges: the one count all tools and the compiler share. */
  fileEdges: number;
  /** Median of the timed runs. */
  wallSeconds: number;
  /** Every timed run, and the untimed first one (kg writes its compiler code cache there). */
  runsSeconds: number[];
  firstRunSeconds: number;
  filesPerSecond: number;
  /** The highest of the timed runs. */
  peakRssMb: number;
  /** Of the compiler's workspace file-to-file edges, the share this tool found (recall) and the share of its own that the compiler agrees with (precision). */
  recall: number;
  precision: number;
}

export function formatTable(corpus: string, version: string, rows: readonly ToolFigures[]): string {
  const header = ['tool', 'files', 'edges', 'file→file', 'wall s', 'files/s', 'peak RSS MB', 'file-edge recall', 'precision'];
  const body = rows.map((r) => [
    `${r.tool} ${r.version}`,
    String(r.files),
    String(r.edges),
    String(r.fileEdges),
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
