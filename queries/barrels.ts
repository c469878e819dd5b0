// Importers through barrels: a file that re-exports another (`export * from`, `export { x } from`, `export * as ns
// from`) passes it on, so the files importing the barrel import it too. Followed outwards, barrel by barrel, with the
// name each passes a symbol on as.

import type { QueryContext } from './answer.js';
import { reExportNames } from './snapshot.js';
import { compare } from './walk.js';

export interface BarrelImporter {
  path: string;
  /** The barrels between the importer and the file, the importer's first. */
  via: string[];
}

// Barrels of barrels of ...: deep enough for real re-export chains, bounded against a cycle of re-exports.
const MAX_BARREL_DEPTH = 8;

/**
 * The files that import `file` only through barrels, each with the barrels it goes through; `name`: only the barrels
 * that pass that exported name on (renamed or as a namespace member, as `export { x as y }` and `export * as ns`
 * do). Direct importers of `file` are not listed.
 */
export async function importersThroughBarrels(context: QueryContext, file: string, name: string | null): Promise<BarrelImporter[]> {
  return (await throughBarrels(context, file, name)).importers;
}

/** importersThroughBarrels, and the barrels that pass the file (or name) on. */
export async function throughBarrels(context: QueryContext, file: string, name: string | null): Promise<{ importers: BarrelImporter[]; barrels: string[] }> {
  const found = new Map<string, string[]>();
  const seen = new Set<string>([file]);
  // Each frontier entry: a file reached, the name it passes the symbol on as (null: any name), the barrels so far.
  let frontier: { path: string; name: string | null; via: string[] }[] = [{ path: file, name, via: [] }];
  for (let depth = 0; depth < MAX_BARREL_DEPTH && frontier.length > 0; depth++) {
    const edges = await edgesInto(context, frontier.map((entry) => entry.path));
    const next: typeof frontier = [];
    for (const entry of frontier) {
      for (const edge of edges.filter((e) => e.dst === entry.path)) {
        if (edge.src === file) continue;
        // Importers of the file itself are direct; those of a barrel go through it.
        if (entry.via.length > 0 && !found.has(edge.src) && !seen.has(edge.src)) found.set(edge.src, entry.via);
        if (!edge.reExport || seen.has(edge.src)) continue;
        const passedAs = passedOn(edge.names ?? ['*'], entry.name);
        if (passedAs === undefined) continue;
        seen.add(edge.src);
        next.push({ path: edge.src, name: passedAs, via: [edge.src, ...entry.via] });
      }
    }
    frontier = next;
  }
  for (const barrel of seen) found.delete(barrel);
  seen.delete(file);
  return { importers: [...found].map(([path, via]) => ({ path, via })).sort((a, b) => compare(a.path, b.path)), barrels: [...seen].sort(compare) };
}

export interface PackageConsumer {
  path: string;
  /** The workspace package it imports (by name) whose entry file is one of the files asked about. */
  package: string;
}

/** The files that import, by package name, a workspace package whose entry is one of `files`. */
export async function consumersThroughPackages(context: QueryContext, files: readonly string[]): Promise<PackageConsumer[]> {
  if (files.length === 0) return [];
  if (context.snapshot) {
    const { packagesOfEntry, consumersOfPackage } = context.snapshot;
    const found = new Map<string, PackageConsumer>();
    for (const file of files) {
      for (const name of packagesOfEntry.get(file) ?? []) {
        for (const path of consumersOfPackage.get(name) ?? []) {
          const key = `${path}\0${name}`;
          if (!found.has(key)) found.set(key, { path, package: name });
        }
      }
    }
    return [...found.values()].sort((a, b) => compare(a.path, b.path) || compare(a.package, b.package));
  }
  const rows = await context.reader.all<PackageConsumer>(
    `SELECT DISTINCT substr(c.src, 6) AS path, substr(w.src, 5) AS package
     FROM edges w JOIN edges c ON c.dst = w.src AND c.kind = 'imports_package'
     WHERE w.kind = 'workspace_package' AND w.dst IN (SELECT unnest(?::VARCHAR[]))
     ORDER BY path, package`,
    [files.map((path) => `file:${path}`)],
  );
  return rows;
}

/** The import edges into `paths`: from the snapshot of a kept-open graph, else one query. */
async function edgesInto(context: QueryContext, paths: readonly string[]): Promise<{ src: string; dst: string; reExport: boolean; names: string[] | null }[]> {
  if (context.snapshot) {
    const snapshot = context.snapshot;
    return paths.flatMap((dst) => (snapshot.importedBy.get(dst) ?? []).map((edge) => ({ src: edge.path, dst, reExport: edge.reExports !== undefined, names: edge.reExports ?? null })));
  }
  const rows = await context.reader.all<{ src: string; dst: string; reExport: boolean; names: string | null }>(
    `SELECT substr(src, 6) AS src, substr(dst, 6) AS dst, coalesce(CAST(attrs->>'re_export' AS BOOLEAN), false) AS "reExport",
            CAST(attrs->'names' AS VARCHAR) AS names
     FROM edges WHERE kind = 'imports' AND dst IN (SELECT unnest(?::VARCHAR[]))`,
    [paths.map((path) => `file:${path}`)],
  );
  return rows.map((row) => ({ ...row, names: row.names === null ? null : reExportNames(row.names) }));
}

/** The name a re-export passes `name` on as; null for any name (`name` null); undefined when it does not pass it. */
function passedOn(list: readonly string[], name: string | null): string | null | undefined {
  // A re-export kg did not record the names of (an older index) passes everything on: its names read as `*`.
  if (name === null) return list.length > 0 ? null : undefined;
  for (const entry of list) {
    if (entry === '*') return name;
    if (entry.startsWith('*>')) return `${entry.slice(2)}.${name}`;
    const [imported, exported] = entry.split('>');
    if (imported === name) return exported ?? name;
  }
  return undefined;
}
