// What an index tells a newcomer about how it resolved the workspace: the files each tsconfig owns and how the rest
// got their options, the imports it could not resolve by reason, and the edges by kind.

import type { CodeRows, EdgeRow, ImportAttrs } from '../../graph/records.js';
import type { OwnerSource } from './tsconfig.js';

export interface ResolutionSummary {
  /** Files by how their options were chosen: a project that includes them, the nearest tsconfig.json, kg's defaults. */
  filesBySource: Record<OwnerSource, number>;
  /** Files per tsconfig whose options they were resolved with (`(defaults)` for kg's). */
  filesByTsconfig: Record<string, number>;
  unresolved: {
    /** Relative (or absolute) specifiers that name no file. */
    missingFile: number;
    /** Bare specifiers no package in node_modules answers. */
    packageNotFound: number;
    /** The first few of each, to look at. */
    examples: { path: string; specifier: string; line: number; reason: 'missing_file' | 'package_not_found' }[];
  };
  edgesByKind: Record<string, number>;
}

const EXAMPLES = 10;

export function summarizeResolution(rows: CodeRows, owners: ReadonlyMap<string, { tsconfig: string | null; source: OwnerSource }>): ResolutionSummary {
  const filesBySource: Record<OwnerSource, number> = { project: 0, nearest_tsconfig: 0, defaults: 0 };
  const filesByTsconfig: Record<string, number> = {};
  for (const { tsconfig, source } of owners.values()) {
    filesBySource[source]++;
    const key = tsconfig ?? '(defaults)';
    filesByTsconfig[key] = (filesByTsconfig[key] ?? 0) + 1;
  }
  const edgesByKind: Record<string, number> = {};
  const unresolved: ResolutionSummary['unresolved'] = { missingFile: 0, packageNotFound: 0, examples: [] };
  for (const edge of rows.edges) {
    edgesByKind[edge.kind] = (edgesByKind[edge.kind] ?? 0) + 1;
    const reason = unresolvedReason(edge);
    if (reason === null) continue;
    if (reason === 'missing_file') unresolved.missingFile++;
    else unresolved.packageNotFound++;
    if (unresolved.examples.length < EXAMPLES) {
      const attrs = edge.attrs as unknown as ImportAttrs;
      unresolved.examples.push({ path: edge.src.slice('file:'.length), specifier: attrs.specifier, line: attrs.line, reason });
    }
  }
  return { filesBySource, filesByTsconfig: sorted(filesByTsconfig), unresolved, edgesByKind: sorted(edgesByKind) };
}

function unresolvedReason(edge: EdgeRow): 'missing_file' | 'package_not_found' | null {
  if (edge.kind === 'imports_unresolved') return 'missing_file';
  if (edge.kind === 'imports_package' && edge.attrs?.resolved === false) return 'package_not_found';
  return null;
}

/** Largest first, then by name: the order a report reads best in. */
function sorted(counts: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(counts).sort(([a, x], [b, y]) => y - x || (a < b ? -1 : 1)));
}
