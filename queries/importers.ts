// importers and dependencies: who imports a file, and what a file imports, directly or transitively.

import { z } from 'zod';
import { nodeId } from '../graph/records.js';
import { answerSchema, freshnessOf, limitItems, type QueryContext } from './answer.js';
import { consumersThroughPackages, throughBarrels, type PackageConsumer } from './barrels.js';
import { filesOrFolders } from './files.js';
import { DEFAULT_LIMIT, type IntentOf } from './intents.js';
import { byDepthThenPath, walkImports, type Direction } from './walk.js';
import { renderList } from './render.js';

export const importItemSchema = z.object({
  path: z.string(),
  depth: z.number().int().describe('1 for a direct import, n for n hops away.'),
  imports: z
    .array(z.object({ specifier: z.string(), line: z.number().int(), typeOnly: z.boolean() }))
    .optional()
    .describe('For direct imports: the specifiers and lines of the import statements.'),
  via: z
    .array(z.string())
    .optional()
    .describe('For an importer that reaches the file only through barrels (re-exports): the barrels, its own first.'),
  package: z
    .string()
    .optional()
    .describe('For an importer that reaches the file through a workspace package of this repository (`import from "@scope/lib"`): that package.'),
});
export type ImportItem = z.infer<typeof importItemSchema>;

export const importersAnswerSchema = answerSchema('importers', importItemSchema);
export type ImportersAnswer = z.infer<typeof importersAnswerSchema>;

export const dependenciesAnswerSchema = answerSchema('dependencies', importItemSchema).extend({
  packages: z.array(z.string()).describe('External packages FILE imports directly.'),
  unresolved: z
    .array(z.object({ specifier: z.string(), line: z.number().int() }))
    .describe('Specifiers the compiler could not resolve (and that name no existing file).'),
  assets: z
    .array(z.object({ path: z.string(), specifier: z.string(), line: z.number().int() }))
    .describe('Existing non-code files FILE imports (stylesheets, images, fonts): no module, but there.'),
});
export type DependenciesAnswer = z.infer<typeof dependenciesAnswerSchema>;

export async function importers(context: QueryContext, intent: IntentOf<'importers'>): Promise<ImportersAnswer> {
  const target = await fileOrFolder(context, intent.file);
  if (target.folder !== null) return folderImporters(context, target.folder, target.files, intent);
  const file = target.files[0];
  const direct = await neighbours(context, file!, 'importers', intent);
  // Direct importers, then those that import the file only through barrels (a walk already follows re-exports).
  const transitive = isTransitive(intent);
  const known = new Set(direct.map((item) => item.path));
  const through = transitive ? { importers: [], barrels: [] } : await throughBarrels(context, file!, null);
  const barrels = through.importers.filter((b) => !known.has(b.path));
  for (const b of barrels) known.add(b.path);
  // Consumers of a workspace package whose entry is the file, or a barrel that passes it on.
  const consumers = transitive ? [] : (await consumersThroughPackages(context, [file!, ...through.barrels])).filter((c) => !known.has(c.path) && c.path !== file);
  const items = [
    ...direct,
    ...barrels.map((b): ImportItem => ({ path: b.path, depth: b.via.length + 1, via: b.via })),
    ...dedupe(consumers).map((c): ImportItem => ({ path: c.path, depth: 2, package: c.package })),
  ];
  const cut = limitItems(items, intent.limit ?? DEFAULT_LIMIT);
  return {
    kind: 'importers',
    ...cut,
    text: renderList(`${cut.total} file(s) import ${file}`, cut.items.map(describe), cut.truncated),
    freshness: await freshnessOf(context, [file!, ...cut.items.map((item) => item.path)]),
  };
}

export async function dependencies(context: QueryContext, intent: IntentOf<'dependencies'>): Promise<DependenciesAnswer> {
  const target = await fileOrFolder(context, intent.file);
  const file = target.folder ?? target.files[0]!;
  // A folder's dependencies are what its files import from outside it.
  const items =
    target.folder !== null
      ? byDepthThenPath(await walkImports(context, target.files, 'dependencies', depthOf(intent)))
      : await neighbours(context, file, 'dependencies', intent);
  const cut = limitItems(items, intent.limit ?? DEFAULT_LIMIT);
  const external = await context.reader.all<{ kind: string; dst: string; specifier: string; line: number }>(
    `SELECT kind, dst, attrs->>'specifier' AS specifier, CAST(attrs->>'line' AS INTEGER) AS line FROM edges
     WHERE src IN (SELECT unnest(?::VARCHAR[])) AND kind IN ('imports_package', 'imports_unresolved', 'imports_asset') ORDER BY line, specifier`,
    [target.files.map(nodeId.file)],
  );
  const packages = [...new Set(external.filter((e) => e.kind === 'imports_package').map((e) => e.dst.slice(4)))].sort();
  const unresolved = external
    .filter((e) => e.kind === 'imports_unresolved')
    .map((e) => ({ specifier: e.specifier, line: e.line }));
  const assets = external.filter((e) => e.kind === 'imports_asset').map((e) => ({ path: e.dst.slice('file:'.length), specifier: e.specifier, line: e.line }));
  const lines = cut.items.map(describe);
  if (assets.length > 0) lines.push(`assets: ${assets.map((a) => a.path).join(', ')}`);
  if (packages.length > 0) lines.push(`packages: ${packages.join(', ')}`);
  if (unresolved.length > 0) lines.push(`unresolved: ${unresolved.map((u) => `${u.specifier} (line ${u.line})`).join(', ')}`);
  return {
    kind: 'dependencies',
    ...cut,
    packages,
    unresolved,
    assets,
    text: renderList(`${target.folder !== null ? `the ${target.files.length} file(s) under ${file}/ import` : `${file} imports`} ${cut.total} workspace file(s)${target.folder !== null ? ' outside it' : ''}`, lines, cut.truncated),
    freshness: await freshnessOf(context, [...target.files, ...cut.items.map((item) => item.path)]),
  };
}

/** A file, or a folder's files (`folder` set): a folder argument means any file under it. */
async function fileOrFolder(context: QueryContext, path: string): Promise<{ files: string[]; folder: string | null }> {
  const { files, folders } = await filesOrFolders(context, [path]);
  return { files, folder: folders[0] ?? null };
}

type WalkIntent = { transitive?: boolean | undefined; depth?: number | undefined };

/** Whether the intent follows the import chain: `transitive`, or a depth above 1. */
function isTransitive(intent: WalkIntent): boolean {
  return intent.transitive ?? (intent.depth !== undefined && intent.depth > 1);
}

/** How many hops the intent walks: its depth (100 by default) when transitive, else 1. */
function depthOf(intent: WalkIntent): number {
  return isTransitive(intent) ? (intent.depth ?? 100) : 1;
}

/** The files outside `folder` that import any file under it. */
async function folderImporters(context: QueryContext, folder: string, files: string[], intent: IntentOf<'importers'>): Promise<ImportersAnswer> {
  const cut = limitItems(byDepthThenPath(await walkImports(context, files, 'importers', depthOf(intent))), intent.limit ?? DEFAULT_LIMIT);
  return {
    kind: 'importers',
    ...cut,
    text: renderList(`${cut.total} file(s) outside ${folder}/ import its ${files.length} file(s)`, cut.items.map(describe), cut.truncated),
    freshness: await freshnessOf(context, [...files, ...cut.items.map((item) => item.path)]),
  };
}

async function neighbours(
  context: QueryContext,
  file: string,
  direction: Direction,
  intent: WalkIntent,
): Promise<ImportItem[]> {
  if (isTransitive(intent)) return byDepthThenPath(await walkImports(context, [file], direction, depthOf(intent)));
  return directImports(context, file, direction);
}

async function directImports(context: QueryContext, file: string, direction: Direction): Promise<ImportItem[]> {
  if (context.snapshot) {
    const edges = (direction === 'importers' ? context.snapshot.importedBy : context.snapshot.imports).get(file) ?? [];
    return groupByPath(edges.map((edge) => ({ path: edge.path, specifier: edge.specifier, line: edge.line, typeOnly: edge.typeOnly })));
  }
  const [match, other] = direction === 'importers' ? ['dst', 'src'] : ['src', 'dst'];
  const rows = await context.reader.all<{ node: string; specifier: string; line: number; typeOnly: boolean }>(
    `SELECT ${other} AS node, attrs->>'specifier' AS specifier, CAST(attrs->>'line' AS INTEGER) AS line,
            CAST(attrs->>'type_only' AS BOOLEAN) AS "typeOnly"
     FROM edges WHERE kind = 'imports' AND ${match} = ? ORDER BY node, line`,
    [nodeId.file(file)],
  );
  return groupByPath(rows.map((row) => ({ path: row.node.slice('file:'.length), specifier: row.specifier, line: row.line, typeOnly: row.typeOnly })));
}

/** One item per neighbour, with each import statement between the two, in the order given. */
function groupByPath(edges: readonly { path: string; specifier: string; line: number; typeOnly: boolean }[]): ImportItem[] {
  const byPath = new Map<string, ImportItem>();
  for (const edge of edges) {
    const item = byPath.get(edge.path) ?? { path: edge.path, depth: 1, imports: [] };
    item.imports!.push({ specifier: edge.specifier, line: edge.line, typeOnly: edge.typeOnly });
    byPath.set(edge.path, item);
  }
  return [...byPath.values()];
}

function dedupe(consumers: readonly PackageConsumer[]): PackageConsumer[] {
  const seen = new Set<string>();
  return consumers.filter((c) => !seen.has(c.path) && (seen.add(c.path), true));
}

function describe(item: ImportItem): string {
  if (item.package) return `${item.path} (through package ${item.package})`;
  if (item.via) return `${item.path} (through ${item.via.join(' -> ')})`;
  if (item.imports && item.imports.length > 0) {
    const lines = item.imports.map((i) => `${i.line}${i.typeOnly ? ' type' : ''}`).join(', ');
    return `${item.path} (line ${lines})`;
  }
  return item.depth > 1 ? `${item.path} (${item.depth} hops)` : item.path;
}
