// The vector layer end to end, with the generated test model through the real transformers.js worker and a real
// LanceDB table: off by default (no vector files), on with `vectors: true` and remembered, only changed texts embedded
// again, deleted nodes' vectors removed, `related` hybrid with the vectors' why, sessions_by_goal and conventions
// fused, lagging vectors said and repaired, a damaged table repaired, a missing model costing only the vectors.

import { existsSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultDbPath } from '../../graph/location.js';
import { vectorDirOf } from '../../graph/vector-store.js';
import type { RelatedAnswer } from '../../queries/related.js';
import type { ConventionsAnswer } from '../../queries/conventions.js';
import type { SessionsByGoalAnswer } from '../../queries/sessions.js';
import type { Embedder } from '../../indexers/embeddings/embedder.js';
import { indexWorkspace, openGraph, reindexWorkspace } from '../../src/api.js';
import { LocalBackend } from '../../src/backend/local.js';
import { writeSession } from '../fixtures/datadir/session-writer.js';
import { GitRepo } from '../support/git-repo.js';
import { tempDir } from '../support/temp.js';
import { writeTestModel } from '../support/test-model.js';

let dir: string;
let repo: GitRepo;
let dataDir: string;
const saved = { ...process.env };

async function ask<T>(intent: Record<string, unknown>): Promise<T> {
  const graph = await openGraph({ workspace: repo.dir });
  try {
    return (await graph.query(intent)) as T;
  } finally {
    graph.close();
  }
}

function synced(report: { vectors: unknown }) {
  const vectors = report.vectors as { state: string; embedded: number; kept: number; removed: number; texts: number };
  expect(vectors.state).toBe('synced');
  return vectors;
}

beforeAll(() => {
  dir = tempDir('kg-vectors-');
  process.env.KG_HOME = join(dir, 'kg-home');
  const model = writeTestModel(join(dir, 'models'));
  process.env.KG_MODEL_DIR = model.modelDir;
  process.env.KG_EMBED_MODEL = model.model;
  delete process.env.KG_VECTORS;
  delete process.env.WORKRAIL_VECTOR_SEARCH;
  repo = new GitRepo(join(dir, 'ws'));
  repo.commit({
    subject: 'feat: first files',
    write: {
      // Found by its words' meaning only: none of "middleware", "server", "endpoint" is in it.
      'src/net/dispatch.ts': '/** Answers each incoming request by its route and handler. */\nexport function dispatchRequest(url: string): string { return url; }\n',
      'src/net/table.ts': "import { dispatchRequest } from './dispatch.js';\n/** Keeps the routes of the app. */\nexport const routeTable = [dispatchRequest];\n",
      'src/store/rows.ts': '/** Reads rows of a database table with sql. */\nexport function readRows(sql: string): string[] { return [sql]; }\n',
      'src/history/log.ts': '/** The commits of a branch, newest first. */\nexport function branchLog(): string[] { return []; }\n',
      'AGENTS.md': '# Rules\n\n## Testing\n\nEvery fixture is generated; assert with expect.\n\n## Commits\n\nOne branch per change; merge after review.\n',
      'package.json': '{"name":"ws","type":"module"}\n',
    },
  });
  dataDir = join(dir, 'data');
  writeSession(dataDir, 'sess_vec_01', { repoRoot: repo.dir, goal: 'tidy the git history of a branch', notes: ['Looked at commits and merge order.'] });
  writeSession(dataDir, 'sess_vec_02', { repoRoot: repo.dir, goal: 'speed up the sql table reads', notes: ['Rows read in one query now.'] });
});

afterAll(() => {
  process.env = saved;
});

describe('vectors off (the default)', () => {
  it('creates no vector files and answers lexically, saying so', async () => {
    const report = await indexWorkspace(repo.dir, { dataDir });
    expect(report.vectors).toEqual({ state: 'off', forgotten: false });
    expect(existsSync(vectorDirOf(defaultDbPath(repo.dir)))).toBe(false);
    const answer = await ask<RelatedAnswer>({ kind: 'related', text: 'middleware for the server endpoint' });
    expect(answer.mode).toBe('lexical');
    expect(answer.vectors.state).toBe('off');
    expect(answer.signals).not.toContain('vectors');
    expect(answer.items.map((i) => i.path)).not.toContain('src/net/dispatch.ts');
  });
});

describe('vectors on', () => {
  let texts = 0;

  it('embeds every text on the first index with vectors, and keeps the vector files private', async () => {
    const report = await indexWorkspace(repo.dir, { dataDir, vectors: true });
    const vectors = synced(report);
    texts = vectors.texts;
    expect(vectors.embedded).toBe(texts);
    expect(texts).toBeGreaterThanOrEqual(4 + 2 + 2); // files, sessions, convention sections at least
    const folder = vectorDirOf(defaultDbPath(repo.dir));
    expect(statSync(folder).mode & 0o777).toBe(0o700);
    for (const file of walk(folder)) expect(statSync(file).mode & 0o077, file).toBe(0);
  });

  it('finds a file by meaning that the words miss, says why, and only with the vectors signal', async () => {
    const answer = await ask<RelatedAnswer>({ kind: 'related', text: 'middleware for the server endpoint' });
    expect(answer.mode).toBe('hybrid');
    expect(answer.vectors).toMatchObject({ state: 'used', model: 'kg-test/static-32', lagging: false });
    const dispatch = answer.items.find((i) => i.path === 'src/net/dispatch.ts');
    expect(dispatch?.why.find((w) => w.signal === 'vectors')?.detail).toMatch(/similar/);
    expect(answer.items[0]!.path).toMatch(/^src\/net\//);
    const lexical = await ask<RelatedAnswer>({ kind: 'related', text: 'middleware for the server endpoint', signals: ['text'] });
    expect(lexical.mode).toBe('lexical');
    expect(lexical.items.map((i) => i.path)).not.toContain('src/net/dispatch.ts');
  });

  it('lets the graph vote: the importer of a top hit comes with it', async () => {
    const answer = await ask<RelatedAnswer>({ kind: 'related', text: 'incoming request handler', signals: ['vectors', 'imports'] });
    const table = answer.items.find((i) => i.path === 'src/net/table.ts');
    expect(table?.why.map((w) => w.signal)).toContain('imports');
  });

  it('ranks sessions and convention sections by meaning too', async () => {
    const sessions = await ask<SessionsByGoalAnswer>({ kind: 'sessions_by_goal', text: 'rebase commits' });
    expect(sessions.mode).toBe('hybrid');
    expect(sessions.items[0]?.id).toBe('sess_vec_01');
    const conventions = await ask<ConventionsAnswer>({ kind: 'conventions', text: 'vitest mock' });
    expect(conventions.mode).toBe('hybrid');
    expect(conventions.items[0]?.headingPath).toMatch(/Testing/);
    const symbols = await ask<RelatedAnswer>({ kind: 'related', text: 'duckdb column query', of: ['symbol'] });
    expect(symbols.items[0]).toMatchObject({ kind: 'symbol', path: 'src/store/rows.ts' });
  });

  it('embeds again only what changed, removes what went, and remembers it is on', async () => {
    const same = synced(await reindexWorkspace(repo.dir, { dataDir }));
    expect(same.embedded).toBe(0);
    repo.commit({
      subject: 'fix: doc',
      write: {
        'src/store/rows.ts': '/** Reads rows of a database table with one sql query. */\nexport function readRows(sql: string): string[] { return [sql]; }\n',
      },
      remove: ['src/history/log.ts'],
    });
    const changed = synced(await reindexWorkspace(repo.dir, { dataDir }));
    expect(changed.embedded).toBeGreaterThan(0);
    expect(changed.embedded).toBe(2); // rows.ts and its documented symbol, nothing else
    expect(changed.removed).toBe(2); // log.ts and its symbol
    expect(changed.kept).toBe(changed.texts - changed.embedded);
    const answer = await ask<RelatedAnswer>({ kind: 'related', text: 'branch history', signals: ['vectors'] });
    expect(answer.items.map((i) => i.path)).not.toContain('src/history/log.ts');
  });

  it('says the vectors lag when an index stopped before them, and the next reindex repairs them', async () => {
    // A reindex whose model cannot be loaded: the graph is written, the vectors are not.
    repo.commit({ subject: 'feat: more', write: { 'src/net/cache.ts': '/** A stale cache entry is dropped. */\nexport const dropStale = 1;\n' } });
    process.env.KG_MODEL_DIR = join(dir, 'no-models');
    const stopped = await reindexWorkspace(repo.dir, { dataDir });
    process.env.KG_MODEL_DIR = join(dir, 'models');
    expect(stopped.vectors).toMatchObject({ state: 'unavailable' });
    expect(stopped.warnings.find((w) => w.code === 'vectors_unavailable')?.message).not.toContain('\n');
    const backend = new LocalBackend({ keepOpen: false });
    try {
      expect((await backend.status(repo.dir)).vectors.state).toBe('lagging');
    } finally {
      await backend.close();
    }
    const answer = await ask<RelatedAnswer>({ kind: 'related', text: 'request route' });
    expect(answer.vectors).toMatchObject({ state: 'used', lagging: true });
    expect(answer.text).toMatch(/lag/);
    const repaired = synced(await reindexWorkspace(repo.dir, { dataDir }));
    expect(repaired.embedded).toBeGreaterThan(0);
    expect((await ask<RelatedAnswer>({ kind: 'related', text: 'request route' })).vectors.lagging).toBe(false);
  });

  it('repairs a damaged vector table on the next reindex, and answers without it meanwhile', async () => {
    const folder = vectorDirOf(defaultDbPath(repo.dir));
    const data = walk(folder).filter((file) => file.endsWith('.lance') && statSync(file).isFile());
    expect(data.length).toBeGreaterThan(0);
    for (const file of data) writeFileSync(file, 'not a lance file');
    const meanwhile = await ask<RelatedAnswer>({ kind: 'related', text: 'request route' });
    expect(meanwhile.vectors.state).toBe('unavailable');
    expect(meanwhile.vectors.reason).toMatch(/kg reindex/);
    expect(meanwhile.items.length).toBeGreaterThan(0); // the lexical signals still answer
    const report = await reindexWorkspace(repo.dir, { dataDir });
    expect(report.vectors).toMatchObject({ state: 'synced', repaired: true, rebuilt: true });
    expect((await ask<RelatedAnswer>({ kind: 'related', text: 'request route' })).vectors.state).toBe('used');
  });

  it('costs only the vectors when the model fails in the middle of a run, with a one-line reason', async () => {
    repo.commit({ subject: 'feat: extra', write: { 'src/net/extra.ts': '/** One more route of the router. */\nexport const extraRoute = 1;\n' } });
    const failing: Embedder = {
      model: 'kg-test/static-32',
      dimensions: 32,
      embed: () => Promise.reject(new Error('the worker died\n    at somewhere (worker.js:1:1)')),
      close: () => Promise.resolve(),
    };
    const report = await reindexWorkspace(repo.dir, { dataDir, embedder: failing });
    expect(report.vectors).toEqual({ state: 'unavailable', reason: 'the worker died', dir: vectorDirOf(defaultDbPath(repo.dir)) });
    expect(report.added).toContain('src/net/extra.ts');
    expect(synced(await reindexWorkspace(repo.dir, { dataDir })).embedded).toBeGreaterThan(0);
  });

  it('turns off with vectors: false, removing the vectors, and the graph stays', async () => {
    const report = await reindexWorkspace(repo.dir, { dataDir, vectors: false });
    expect(report.vectors).toEqual({ state: 'off', forgotten: true });
    expect(existsSync(vectorDirOf(defaultDbPath(repo.dir)))).toBe(false);
    expect((await ask<RelatedAnswer>({ kind: 'related', text: 'request route' })).mode).toBe('lexical');
    expect(synced(await reindexWorkspace(repo.dir, { dataDir, vectors: true })).embedded).toBeGreaterThan(0);
    rmSync(vectorDirOf(defaultDbPath(repo.dir)), { recursive: true, force: true });
  });
});

describe('a model that cannot be had', () => {
  it('costs the vectors only: the index is written and says in one line what is missing', async () => {
    const other = new GitRepo(join(dir, 'ws2'));
    other.commit({ subject: 'feat: x', write: { 'src/a.ts': 'export const a = 1;\n' } });
    const empty = join(dir, 'models-without-onnx', 'kg-test', 'static-32');
    writeFileSync(join(dir, 'placeholder'), '');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(empty, { recursive: true });
    writeFileSync(join(empty, 'config.json'), '{"model_type":"bert"}');
    process.env.KG_MODEL_DIR = join(dir, 'models-without-onnx');
    try {
      const report = await indexWorkspace(other.dir, { dataDir, vectors: true });
      expect(report.counts.files).toBe(1);
      expect(report.vectors.state).toBe('unavailable');
      const reason = (report.vectors as { reason: string }).reason;
      expect(reason).toMatch(/onnx/);
      expect(reason).not.toContain('\n');
    } finally {
      process.env.KG_MODEL_DIR = join(dir, 'models');
    }
  });
});

function walk(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? [join(folder, entry.name), ...walk(join(folder, entry.name))] : [join(folder, entry.name)],
  );
}
