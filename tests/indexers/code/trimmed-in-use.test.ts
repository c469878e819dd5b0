// A normal index runs on the trimmed compiler from start to end. Should code the index runs reach a module the trimmed
// compiler left out, the index would still succeed (redone with the whole compiler) and its kg home would keep to the
// whole compiler from then on: only the trim-failed mark, and which compiler ran, would tell. So: kg's own sources and
// real code nobody here wrote, from node_modules (zod's TypeScript sources with its builds and declarations, Node's type
// declarations), indexed with a fresh kg home, leave no mark and ran the trimmed compiler.

// First: it points KG_HOME at a fresh folder before the compiler loads (./index-parse.ts).
import { loadedCompilerKind, parseHome, TRIM_FAILED, TRIMMED } from './index-parse.js';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { indexCode } from '../../../indexers/code/index.js';
import { kgRunner } from '../../support/kg-process.js';
import { tempDir } from '../../support/temp.js';

const REPO = join(import.meta.dirname, '..', '..', '..');
const CORPORA = [
  { name: 'kg itself', root: REPO, atLeast: 150 },
  { name: 'zod (node_modules)', root: join(REPO, 'node_modules', 'zod'), atLeast: 800 },
  { name: '@types/node (node_modules)', root: join(REPO, 'node_modules', '@types', 'node'), atLeast: 60 },
];

/** The compiler code caches in a kg home's cache: the whole compiler's is written only by a process that ran it. */
function compilerCaches(home: string): string[] {
  return readdirSync(join(home, 'cache')).filter((name) => name.startsWith('typescript-')).sort();
}

describe('a normal index runs on the trimmed compiler', () => {
  it('in process: every corpus indexed, no trim-failed mark, the trimmed compiler still the one loaded', async () => {
    for (const corpus of CORPORA) {
      const result = await indexCode(corpus.root);
      const parsed = result.rows.files.filter((file) => file.language !== 'json');
      expect(parsed.length, corpus.name).toBeGreaterThan(corpus.atLeast);
      if (corpus.root === REPO) {
        for (const folder of ['graph/', 'indexers/', 'queries/', 'src/']) expect(parsed.some((file) => file.path.startsWith(folder)), folder).toBe(true);
      }
      expect(existsSync(join(parseHome, 'cache', TRIM_FAILED)), corpus.name).toBe(false);
      expect(loadedCompilerKind(), corpus.name).toBe('trimmed');
    }
    expect(compilerCaches(parseHome)).toEqual([TRIMMED, `${TRIMMED}.v8cache`]);
  });

  it('as `kg index` processes: no trim-failed mark, and only the trimmed compiler ran (its code cache, no other)', async () => {
    const root = tempDir('kg-trimmed-in-use-');
    const home = join(root, 'home');
    const kg = kgRunner(home);
    for (const [i, corpus] of CORPORA.entries()) {
      const result = await kg(['index', corpus.root, '--db', join(root, `${i}.duckdb`), '--data-dir', join(root, 'no-data'), '--json']);
      expect(result.code, result.stderr).toBe(0);
      expect((JSON.parse(result.stdout) as { files: number }).files, corpus.name).toBeGreaterThan(corpus.atLeast);
      expect(existsSync(join(home, 'cache', TRIM_FAILED)), corpus.name).toBe(false);
      expect(compilerCaches(home), corpus.name).toEqual([TRIMMED, `${TRIMMED}.v8cache`]);
    }
  });
});
