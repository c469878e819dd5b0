// Loads @duckdb/node-api as one script with a V8 code cache. The package is 180 small CommonJS modules: finding,
// reading and compiling them one by one costs every kg command ~70 ms on the machines we measure on; packed into one
// script (kept under $KG_HOME/cache with its code cache) it is about half. Anything unexpected falls back to require.

import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, posix, sep } from 'node:path';
import type * as DuckDB from '@duckdb/node-api';
import { codeCacheKey, compileCached, readCodeCache, writeCodeCache } from './code-cache.js';

type ModuleFunction = (exports: unknown, require: (specifier: string) => unknown, module: { exports: unknown }, filename: string, dirname: string) => void;

const requireFromHere = createRequire(import.meta.url);

/** The package's exports: from the pack when it loads, else from a plain require. */
export function loadDuckDB(): typeof DuckDB {
  let root: string;
  try {
    root = dirname(requireFromHere.resolve('@duckdb/node-api/package.json'));
  } catch {
    return requireFromHere('@duckdb/node-api') as typeof DuckDB;
  }
  try {
    return loadPacked(root);
  } catch {
    // The pack is a start-up optimisation only: the package itself is the truth.
    return requireFromHere('@duckdb/node-api') as typeof DuckDB;
  }
}

function loadPacked(root: string): typeof DuckDB {
  const version = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;
  const packName = `duckdb-node-api-${codeCacheKey(join(root, 'lib', 'index.js'), version)}.js`;
  let source = readCodeCache(packName)?.toString('utf8');
  const fresh = source === undefined;
  source ??= packSource(root);
  const { script, save } = compileCached(source, join(root, 'lib', 'kg-pack.js'), `${packName}.v8cache`);
  const definitions = new Map<string, ModuleFunction>();
  (script.runInThisContext() as (define: (name: string, body: ModuleFunction) => void) => void)((name, body) => definitions.set(name, body));
  const api = requirePacked(root, definitions, 'lib/index.js') as typeof DuckDB;
  if (fresh) writeCodeCache(packName, source);
  save();
  return api;
}

/** Every `.js` file of the package's lib/, each wrapped as CommonJS wraps a module, in one script. */
function packSource(root: string): string {
  const parts = ['(function (define) {'];
  for (const name of jsFiles(join(root, 'lib'), 'lib')) {
    parts.push(`define(${JSON.stringify(name)}, function (exports, require, module, __filename, __dirname) {`, readFileSync(join(root, name), 'utf8'), '});');
  }
  parts.push('})');
  return parts.join('\n');
}

function jsFiles(dir: string, prefix: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const name = posix.join(prefix, entry.name);
    if (entry.isDirectory()) return jsFiles(join(dir, entry.name), name);
    return entry.name.endsWith('.js') ? [name] : [];
  });
}

/** Runs the packed modules as require would: one instance each, cycles seeing partial exports, packages required for real. */
function requirePacked(root: string, definitions: ReadonlyMap<string, ModuleFunction>, entry: string): unknown {
  const modules = new Map<string, { exports: unknown }>();
  // 180 modules requiring each other some 800 times: paths joined once per folder and specifier, and a real require
  // made only for a module that requires a package (path normalising and createRequire cost ~5 ms over all of them).
  const targets = new Map<string, string | null>();
  const packed = (folder: string, specifier: string): string | null => {
    const key = `${folder}\0${specifier}`;
    let found = targets.get(key);
    if (found === undefined) {
      const base = posix.join(folder, specifier);
      found = [base, `${base}.js`, `${base}/index.js`].find((candidate) => definitions.has(candidate)) ?? null;
      targets.set(key, found);
    }
    return found;
  };
  const load = (name: string): unknown => {
    const known = modules.get(name);
    if (known) return known.exports;
    const folder = posix.dirname(name);
    // Pack names are POSIX paths under the (normalised) package root: on POSIX, plain concatenation is the join.
    const filename = sep === '/' ? `${root}/${name}` : join(root, name);
    const moduleDir = sep === '/' ? (folder === '.' ? root : `${root}/${folder}`) : dirname(filename);
    const module = { exports: {} };
    modules.set(name, module);
    let real: NodeJS.Require | undefined;
    const require = (specifier: string): unknown => {
      if (specifier.startsWith('./') || specifier.startsWith('../')) {
        const found = packed(folder, specifier);
        if (found) return load(found);
      }
      real ??= createRequire(filename);
      if (specifier === BINDINGS) return (bindings ??= loadBindings(real));
      return real(specifier);
    };
    definitions.get(name)!(module.exports, require, module, filename, moduleDir);
    return module.exports;
  };
  let bindings: unknown;
  if (!definitions.has(entry)) throw new Error(`no ${entry} in the pack`);
  return load(entry);
}

const BINDINGS = '@duckdb/node-bindings';

/**
 * The native bindings. On Linux, @duckdb/node-bindings asks detect-libc whether the C library is glibc or musl, which
 * costs every process ~5 ms; but npm installs only the build whose `libc` field matches the system, so when exactly one
 * of the two builds is installed, that is the one the package would pick. Anything else is left to the package.
 */
function loadBindings(real: NodeJS.Require): unknown {
  if (process.platform !== 'linux') return real(BINDINGS);
  let fromBindings: NodeJS.Require;
  try {
    fromBindings = createRequire(real.resolve(BINDINGS));
  } catch {
    return real(BINDINGS);
  }
  const build = `${BINDINGS}-${process.platform}-${process.arch}`;
  const installed = [build, `${build}-musl`].flatMap((name) => {
    try {
      return [fromBindings.resolve(`${name}/duckdb.node`)];
    } catch {
      return [];
    }
  });
  return installed.length === 1 ? fromBindings(installed[0]!) : real(BINDINGS);
}
