// What most answers look up, held in memory for a graph that stays open: the file set, the file import adjacency
// both ways with the attrs answers print, the indexed stats and meta freshness needs. Loaded in a few bulk reads
// per graph generation; walks and lookups over it cost microseconds instead of one SQL round trip per hop.

import type { GraphReader } from '../graph/store.js';

export interface ImportEdge {
  /** The other end, as a workspace path. */
  path: string;
  specifier: string;
  line: number;
  typeOnly: boolean;
  /** On a re-export (`export ... from`): what it passes on (`*`, `*>ns`, `a>b`); absent on other imports. */
  reExports?: string[];
}

export interface GraphSnapshot {
  /** Every indexed file, and whether it is a test. */
  files: Map<string, { isTest: boolean }>;
  /** path -> the workspace files it imports, in (path, line) order. */
  imports: Map<string, ImportEdge[]>;
  /** path -> the workspace files that import it, in (path, line) order. */
  importedBy: Map<string, ImportEdge[]>;
  stats: Map<string, { size: number; mtimeMs: number }>;
  meta: { indexedAt: string | null; gitHead: string | null };
  /** Exported name -> its definitions, in (path, line) order. */
  symbols: Map<string, SymbolDefinition[]>;
  /** Entry file -> the workspace packages it is an entry of (`workspace_package` edges). */
  packagesOfEntry: Map<string, string[]>;
  /** Workspace package -> the files that import it by name, sorted. */
  consumersOfPackage: Map<string, string[]>;
}

export interface SymbolDefinition {
  name: string;
  kind: string;
  path: string;
  line: number;
}

export async function loadSnapshot(reader: GraphReader): Promise<GraphSnapshot> {
  const [files, edges, stats, meta, symbols, entries, consumers] = await Promise.all([
    reader.all<{ path: string; isTest: boolean }>(`SELECT path, coalesce(is_test, false) AS "isTest" FROM files`),
    reader.all<{ src: string; dst: string; specifier: string; line: number; typeOnly: boolean; reExports: string | null }>(
      `SELECT substr(src, 6) AS src, substr(dst, 6) AS dst, attrs->>'specifier' AS specifier,
              CAST(attrs->>'line' AS INTEGER) AS line, CAST(attrs->>'type_only' AS BOOLEAN) AS "typeOnly",
              CASE WHEN CAST(attrs->>'re_export' AS BOOLEAN) THEN coalesce(CAST(attrs->'names' AS VARCHAR), '["*"]') END AS "reExports"
       FROM edges WHERE kind = 'imports' ORDER BY src, line, dst`,
    ),
    reader.all<{ path: string; size: number; mtimeMs: number }>(`SELECT path, size, mtime_ms AS "mtimeMs" FROM index_state`),
    loadSnapshotMeta(reader),
    reader.all<SymbolDefinition>(`SELECT DISTINCT name, kind, file AS path, line FROM symbols ORDER BY name, path, line`),
    reader.all<{ package: string; entry: string }>(`SELECT substr(src, 5) AS package, substr(dst, 6) AS entry FROM edges WHERE kind = 'workspace_package' ORDER BY package, entry`),
    reader.all<{ package: string; path: string }>(
      `SELECT DISTINCT substr(dst, 5) AS package, substr(src, 6) AS path FROM edges
       WHERE kind = 'imports_package' AND dst IN (SELECT src FROM edges WHERE kind = 'workspace_package') ORDER BY package, path`,
    ),
  ]);
  const packagesOfEntry = new Map<string, string[]>();
  for (const { package: name, entry } of entries) push(packagesOfEntry, entry, name);
  const consumersOfPackage = new Map<string, string[]>();
  for (const { package: name, path } of consumers) push(consumersOfPackage, name, path);
  const byName = new Map<string, SymbolDefinition[]>();
  for (const symbol of symbols) push(byName, symbol.name, symbol);
  const imports = new Map<string, ImportEdge[]>();
  const importedBy = new Map<string, ImportEdge[]>();
  for (const edge of edges) {
    const attrs = { specifier: edge.specifier, line: edge.line, typeOnly: edge.typeOnly, ...(edge.reExports !== null ? { reExports: reExportNames(edge.reExports) } : {}) };
    push(imports, edge.src, { path: edge.dst, ...attrs });
    push(importedBy, edge.dst, { path: edge.src, ...attrs });
  }
  // The SQL path orders a file's neighbours by (path, line).
  for (const map of [imports, importedBy]) for (const list of map.values()) list.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : a.line - b.line));
  return {
    files: new Map(files.map((f) => [f.path, { isTest: f.isTest }])),
    imports,
    importedBy,
    stats: new Map(stats.map((s) => [s.path, { size: s.size, mtimeMs: s.mtimeMs }])),
    meta,
    symbols: byName,
    packagesOfEntry,
    consumersOfPackage,
  };
}

/** The meta part of a snapshot: it moves with every index, also those that leave the code as it was. */
export async function loadSnapshotMeta(reader: GraphReader): Promise<GraphSnapshot['meta']> {
  const rows = await reader.all<{ key: string; value: string | null }>(`SELECT key, value FROM meta WHERE key IN ('indexed_at', 'git_head')`);
  const value = (key: string) => rows.find((row) => row.key === key)?.value ?? null;
  return { indexedAt: value('indexed_at'), gitHead: value('git_head') };
}

/** A re-export edge's `names` as stored (JSON): what it passes on; anything unreadable passes everything (`*`). */
export function reExportNames(json: string): string[] {
  try {
    const value: unknown = JSON.parse(json);
    return Array.isArray(value) ? value.filter((name): name is string => typeof name === 'string') : ['*'];
  } catch {
    return ['*'];
  }
}

/** Appends `value` to the list `map` holds under `key`. */
export function push<V>(map: Map<string, V[]>, key: string, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
