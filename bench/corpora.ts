// Real corpora from the npm registry: packed, cached under bench/.corpora, copied into a clean work folder.

import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface CorpusSpec {
  name: string;
  /** npm package and exact version, so figures can be compared across runs. */
  pkg: string;
  version: string;
  /** The tsconfig written at the workspace root; `src/` of the package is the code. */
  tsconfig: (packageDir: string) => Record<string, unknown>;
}

export interface Corpus {
  spec: CorpusSpec;
  /** The workspace: `src/` copied from the package plus a tsconfig.json (and package.json). */
  root: string;
  files: number;
  /** What `npm pack` reported for the tarball, so a rerun can tell it indexed the same bytes. */
  tarball: PackRecord;
}

export interface PackRecord {
  id: string;
  integrity: string;
  shasum: string;
  size: number;
  unpackedSize: number;
}

const BENCH_DIR = join(import.meta.dirname, '..', '..', 'bench');
export const CORPORA_DIR = join(BENCH_DIR, '.corpora');
export const WORK_DIR = join(BENCH_DIR, '.work');

export const CORPORA: CorpusSpec[] = [
  {
    name: 'rxjs',
    pkg: 'rxjs',
    version: '7.8.2',
    // rxjs ships its root tsconfig (path aliases for `rxjs/*`) but build configs in src/ that extend files it does not ship.
    tsconfig: (dir) => ({
      compilerOptions: { ...readJson(join(dir, 'tsconfig.json')).compilerOptions, incremental: false, noEmit: true },
      include: ['src'],
    }),
  },
  {
    name: 'effect',
    pkg: 'effect',
    version: '4.1.0',
    // effect ships no tsconfig; its sources import `./X.ts`, so: NodeNext with allowImportingTsExtensions.
    tsconfig: () => ({
      compilerOptions: {
        target: 'ES2022',
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        strict: true,
        noEmit: true,
        allowImportingTsExtensions: true,
      },
      include: ['src'],
    }),
  },
];

/** Packs (once) and prepares a corpus; only the npm registry is contacted, and only when the cache lacks it. */
export function prepareCorpus(spec: CorpusSpec): Corpus {
  const cacheDir = join(CORPORA_DIR, `${spec.pkg}-${spec.version}`);
  const packageDir = join(cacheDir, 'package');
  const recordPath = join(cacheDir, 'pack.json');
  if (!existsSync(packageDir) || !existsSync(recordPath)) packCorpus(spec, cacheDir);
  const tarball = JSON.parse(readFileSync(recordPath, 'utf8')) as PackRecord;
  const root = join(WORK_DIR, spec.name);
  rmSync(root, { recursive: true, force: true });
  mkdirSync(root, { recursive: true });
  cpSync(join(packageDir, 'src'), join(root, 'src'), {
    recursive: true,
    filter: (source) => !/\/tsconfig[^/]*\.json$/.test(source),
  });
  const pkg = readJson(join(packageDir, 'package.json'));
  writeFileSync(join(root, 'package.json'), JSON.stringify({ name: pkg.name, version: pkg.version, type: pkg.type ?? 'commonjs' }, null, 2));
  writeFileSync(join(root, 'tsconfig.json'), JSON.stringify(spec.tsconfig(packageDir), null, 2));
  return { spec, root, files: countSources(join(root, 'src')), tarball };
}

function packCorpus(spec: CorpusSpec, cacheDir: string): void {
  rmSync(cacheDir, { recursive: true, force: true });
  mkdirSync(cacheDir, { recursive: true });
  const [packed] = JSON.parse(
    execFileSync('npm', ['pack', `${spec.pkg}@${spec.version}`, '--json', '--pack-destination', cacheDir], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }),
  ) as (PackRecord & { filename: string })[];
  if (!packed) throw new Error(`npm pack ${spec.pkg}@${spec.version} reported no tarball`);
  execFileSync('tar', ['xzf', join(cacheDir, packed.filename), '-C', cacheDir]);
  rmSync(join(cacheDir, packed.filename), { force: true });
  if (!existsSync(join(cacheDir, 'package', 'src'))) throw new Error(`${spec.pkg}@${spec.version} ships no src/: pick another corpus`);
  const { id, integrity, shasum, size, unpackedSize } = packed;
  // Written last: its presence marks a complete cache entry.
  writeFileSync(join(cacheDir, 'pack.json'), JSON.stringify({ id, integrity, shasum, size, unpackedSize }, null, 2));
}

function countSources(dir: string): number {
  let count = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile() && /\.[cm]?[jt]sx?$/.test(entry.name)) count++;
  }
  return count;
}

interface PackageJson {
  name?: string;
  version?: string;
  type?: string;
  compilerOptions?: Record<string, unknown>;
}

function readJson(path: string): PackageJson {
  return JSON.parse(readFileSync(path, 'utf8')) as PackageJson;
}
