import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { loadDuckDB } from '../../graph/duckdb.js';

describe('loading DuckDB packed', () => {
  const saved = process.env.KG_HOME;
  let home: string | undefined;
  afterEach(() => {
    if (saved === undefined) delete process.env.KG_HOME;
    else process.env.KG_HOME = saved;
    if (home) rmSync(home, { recursive: true, force: true });
  });

  it('packs the package into the cache once, and the packed API opens, appends and queries a real database', async () => {
    home = mkdtempSync(join(tmpdir(), 'kg-duckdb-pack-'));
    process.env.KG_HOME = home;
    for (const round of ['builds the pack', 'reads the pack']) {
      const { DuckDBInstance, listValue } = loadDuckDB();
      const cache = readdirSync(join(home, 'cache'));
      expect(cache.filter((name) => name.startsWith('duckdb-node-api-')), round).toHaveLength(2);
      const instance = await DuckDBInstance.create(join(home, `${round.replace(/ /g, '-')}.duckdb`));
      const connection = await instance.connect();
      await connection.run('CREATE TABLE t (name VARCHAR, n INTEGER)');
      const appender = await connection.createAppender('t');
      appender.appendVarchar('a');
      appender.appendInteger(1);
      appender.endRow();
      appender.closeSync();
      const reader = await connection.runAndReadAll('SELECT name, n, list_contains($1, name) AS listed FROM t', [listValue(['a', 'b'])]);
      expect(reader.getRowObjectsJson(), round).toEqual([{ name: 'a', n: 1, listed: true }]);
      connection.closeSync();
      instance.closeSync();
    }
  });

  it.runIf(process.platform === 'linux')('loads the one native build npm installed without asking detect-libc', () => {
    home = mkdtempSync(join(tmpdir(), 'kg-duckdb-bindings-'));
    process.env.KG_HOME = home;
    loadDuckDB();
    const loaded = Object.keys(createRequire(import.meta.url).cache);
    expect(loaded.some((file) => file.endsWith('duckdb.node'))).toBe(true);
    expect(loaded.filter((file) => file.includes(`${join('node_modules', 'detect-libc')}`))).toEqual([]);
  });
});
