// Incremental code index: redoes only the changed files, and re-resolves the imports a change can affect,
// so the result equals a full index of the workspace as it is now.

import { join } from 'node:path';
import type { CodeRows, IndexedFileState, IndexStateRow, StoredImport, Warning } from '../../graph/records.js';
import { outsideWarning } from '../confine.js';
import { AffectedImports } from './affected-imports.js';
import { DEFAULT_MAX_FILE_BYTES, DiscoveryFilter, type DiscoveredFile, type SkippedFile } from './discover.js';
import { indexStateOf, processFile, ResolutionEnv } from './process-file.js';
import { CodeRowsBuilder } from './rows.js';
import { isConfigPath } from './tsconfig.js';
import { withWholeCompilerOnGap } from './ts.js';
import { saveCompilerCache } from './typescript.js';

export interface CodeDelta {
  /** Files whose every code row and outgoing code edge is removed (those in `rows` come back). */
  removedFiles: string[];
  /** Unchanged files whose outgoing import and `tests` edges are replaced by the ones in `rows`. */
  reResolvedFiles: string[];
  /** Whether files appeared or disappeared: what is derived from the set of files (applies_to edges) must follow. */
  fileSetChanged: boolean;
  rows: CodeRows;
  indexState: IndexStateRow[];
}

export type CodeUpdate =
  | { kind: 'full'; reason: string }
  | {
      kind: 'delta';
      delta: CodeDelta;
      added: string[];
      modified: string[];
      deleted: string[];
      warnings: Warning[];
      skipped: SkippedFile[];
    };

/** Changes to these can alter how any file is found or resolved: they call for a full index. */
const GLOBAL_INPUT = /(?:^|\/)(?:package\.json|\.gitignore)$/;

/**
 * Works out the delta for `candidates` (workspace-relative paths that may have been added, modified or
 * deleted) against `previous`, the index state of the last index. `storedImports` reads the imports the last
 * index kept, by path; it is called only when files appeared or disappeared and the others are resolved again.
 */
export function reindexCode(
  root: string,
  previous: ReadonlyMap<string, IndexedFileState>,
  candidates: Iterable<string>,
  storedImports: () => Promise<ReadonlyMap<string, StoredImport[]>>,
  options: { maxFileBytes?: number } = {},
): Promise<CodeUpdate> {
  return withWholeCompilerOnGap(() => reindexCodeOnce(root, previous, candidates, storedImports, options));
}

async function reindexCodeOnce(
  root: string,
  previous: ReadonlyMap<string, IndexedFileState>,
  candidates: Iterable<string>,
  storedImports: () => Promise<ReadonlyMap<string, StoredImport[]>>,
  options: { maxFileBytes?: number },
): Promise<CodeUpdate> {
  if (previous.size === 0) return { kind: 'full', reason: 'nothing indexed yet' };
  const paths = [...new Set(candidates)].sort();
  const global = paths.find((path) => isConfigPath(path) || GLOBAL_INPUT.test(path));
  if (global !== undefined) return { kind: 'full', reason: `${global} changed` };

  const filter = new DiscoveryFilter(root, options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES);
  const toProcess: DiscoveredFile[] = [];
  const deleted: string[] = [];
  const skipped: SkippedFile[] = [];
  const outside: Warning[] = [];
  // Paths never indexed that may have appeared or disappeared all the same (.gitignored, in node_modules): imports
  // still resolve to what is on disk there.
  const unindexed: string[] = [];
  for (const path of paths) {
    const admission = filter.admit(path);
    const before = previous.get(path);
    if (admission.ok) {
      const { file } = admission;
      // Same size and mtime as indexed: git listed it, but it is as the index saw it.
      if (before && before.size === file.size && before.mtimeMs === file.mtimeMs) continue;
      toProcess.push(file);
      continue;
    }
    if (admission.reason === 'too_large') skipped.push({ path, reason: 'too_large', size: admission.size });
    // A file that became a link out of the workspace is gone from it, as a full index sees it.
    if (admission.reason === 'outside') outside.push(outsideWarning(path, `leads to ${admission.target}`));
    if (before) deleted.push(path);
    else unindexed.push(path);
  }

  const configPaths = [...previous.keys()].filter(isConfigPath).map((path) => join(root, path));
  const env = new ResolutionEnv(root, configPaths);
  const builder = new CodeRowsBuilder();
  const indexState: IndexStateRow[] = [];
  const added: string[] = [];
  const modified: string[] = [];
  const addedHashes: string[] = [];
  for (const file of toProcess) {
    const result = processFile(file, env);
    if (!result.ok) {
      skipped.push({ path: file.path, reason: result.reason, ...(result.reason === 'binary' ? { size: file.size } : {}) });
      if (previous.has(file.path)) deleted.push(file.path);
      continue;
    }
    if (previous.has(file.path)) modified.push(file.path);
    else {
      added.push(file.path);
      addedHashes.push(result.hash);
    }
    builder.addFile(file, result);
    indexState.push(indexStateOf(file, result));
  }

  const fileSetChanged = added.length > 0 || deleted.length > 0;
  const redone = new Set([...added, ...modified, ...deleted]);
  // A file appearing or disappearing can change which tsconfig owns another (the compiler lists `a.ts` and leaves out
  // `a.tsx`, `a.d.ts` or `a.js` beside it): that file is redone whole, with its new owner's options.
  const reowned: string[] = [];
  if (fileSetChanged) {
    for (const [path, state] of previous) {
      if (redone.has(path) || path.endsWith('.json') || env.projects.ownerOf(join(root, path)).config === state.tsconfig) continue;
      const admission = filter.admit(path);
      const result = admission.ok ? processFile(admission.file, env) : null;
      if (!admission.ok || !result?.ok) continue; // gone since: the next reindex that is told of it sees to it
      builder.addFile(admission.file, result);
      indexState.push(indexStateOf(admission.file, result));
      reowned.push(path);
      redone.add(path);
    }
  }

  // A file appearing or disappearing can change how other imports resolve (a new `foo.ts` shadows `foo/index.ts`, a
  // missing module appears): the unchanged files with an import that could name one of them are resolved again.
  const reResolvedFiles: string[] = [];
  if (fileSetChanged || unindexed.length > 0) {
    const affected = new AffectedImports(root, {
      names: changedNames(
        previous,
        [...added, ...deleted, ...unindexed, ...skipped.map((s) => s.path)],
        [...addedHashes, ...deleted.map((path) => previous.get(path)!.hash)],
      ),
      known: [...previous.keys(), ...added],
    });
    for (const [path, imports] of await storedImports()) {
      if (redone.has(path) || !previous.has(path)) continue;
      const abs = join(root, path);
      const resolver = env.resolverFor(env.projects.ownerOf(abs));
      if (!affected.anyCouldChange(path, imports, resolver.project.options)) continue;
      builder.addImportEdges(path, imports, imports.map((fact) => resolver.resolve(abs, fact, fact.mode ?? undefined)));
      reResolvedFiles.push(path);
    }
  }
  if (toProcess.length > 0 || reowned.length > 0) saveCompilerCache();

  return {
    kind: 'delta',
    delta: { removedFiles: [...modified, ...reowned, ...deleted, ...added], reResolvedFiles, fileSetChanged, rows: builder.rows(), indexState },
    added,
    modified,
    deleted,
    warnings: [...outside, ...env.projects.warnings, ...builder.warnings],
    skipped,
  };
}

/**
 * The paths that appeared or disappeared, and the indexed files with the same content as one of them: a link names its
 * target's content, and an import of the link resolves to the target's real path.
 */
function changedNames(previous: ReadonlyMap<string, IndexedFileState>, paths: readonly string[], hashes: readonly string[]): string[] {
  const wanted = new Set(hashes);
  const names = [...paths];
  for (const [path, state] of previous) if (wanted.has(state.hash)) names.push(path);
  return names;
}
