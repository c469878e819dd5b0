// Every intent kind's answer schema against real answers: a code graph for the code kinds, a generated agent data dir
// for sessions and conventions, a generated git repository for the history kinds, asked with and without the
// in-memory snapshot. An answer must parse with its kind's
// schema and with the union, lose no key (the schemas strip unknown keys, so a missing field shows as a difference),
// and the types must say what the answers hold.

import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import type { z } from 'zod';
import { writeCodeIndex } from '../../graph/code-writer.js';
import { GraphStore } from '../../graph/store.js';
import { indexWorkspaceInto } from '../../indexers/index.js';
import {
  answerSchemas,
  anyAnswerSchema,
  INTENT_KINDS,
  isAnswerOf,
  loadSnapshot,
  runQuery,
  type AnswerOf,
  type AnyAnswer,
  type FreshnessProbe,
  type Intent,
  type IntentKind,
  type QueryContext,
} from '../../queries/index.js';
import { workTreeGit } from '../../src/git-changes.js';
import { sessionsOf } from '../fixtures/datadir/expected.js';
import { generateDataDir } from '../fixtures/datadir/generate.js';
import { codeRows } from '../support/code-graph.js';
import { GitRepo } from '../support/git-repo.js';
import { tempDir } from '../support/temp.js';

const unchangedDisk: FreshnessProbe = { gitHead: () => null, changedFiles: () => [] };

// A chain, a cycle, a test, packages, an unresolved import, symbols, commands and routes.
const code = codeRows({
  'src/cli.ts': { imports: ['src/api.ts'], packages: ['commander'], commands: [{ spec: 'index [dir]', description: 'index it', line: 12 }, { spec: 'query <kind>', line: 20 }] },
  'src/api.ts': { imports: ['src/store.ts'], exports: [{ name: 'openGraph', kind: 'function', line: 3 }] },
  'src/store.ts': { imports: ['src/schema.ts'], typeImports: ['src/a.ts'], packages: ['@duckdb/node-api'], unresolved: ['./missing.js'] },
  'src/schema.ts': {},
  'src/server.ts': { imports: ['src/api.ts'], routes: [{ method: 'POST', path: '/v1/query', line: 8 }] },
  'src/a.ts': { imports: ['src/b.ts'], exports: [{ name: 'openGraph', kind: 'variable', line: 7 }] },
  'src/b.ts': { imports: ['src/a.ts'] },
  'tests/api.test.ts': { imports: ['src/api.ts'] },
});

const codeIntents: Intent[] = [
  { kind: 'importers', file: 'src/store.ts' },
  { kind: 'importers', file: 'src/schema.ts', transitive: true },
  { kind: 'dependencies', file: 'src/store.ts' },
  { kind: 'dependencies', file: 'src/cli.ts', depth: 3 },
  { kind: 'impact', files: ['src/schema.ts'], limit: 2 },
  { kind: 'symbol', name: 'openGraph' },
  { kind: 'file_symbols', file: 'src/a.ts' },
  { kind: 'cli_commands' },
  { kind: 'routes', text: 'query' },
  { kind: 'cycles' },
  { kind: 'cycles', level: 'runtime' },
  { kind: 'hotspots', limit: 2 },
];

const dir = tempDir();
let codeStore: GraphStore;
let historyStore: GraphStore;
let gitStore: GraphStore;
const contexts: { name: string; context: QueryContext; intents: Intent[] }[] = [];

beforeAll(async () => {
  codeStore = await GraphStore.open({ path: join(dir, 'code.duckdb') });
  await writeCodeIndex(codeStore, { root: '/ws', indexedAt: '2026-11-24T10:00:00.000Z', gitHead: null, ...code });
  const codeContext = { reader: codeStore, root: '/ws', probe: unchangedDisk };

  const data = generateDataDir({ seed: 7, dir: join(dir, 'fixture') });
  const root = data.workspaces[0]!;
  historyStore = await GraphStore.open({ path: join(dir, 'history.duckdb') });
  await indexWorkspaceInto(historyStore, root, { dataDir: data.dataDir });
  const sessions = sessionsOf(data, 0);
  const changed = sessions.find((s) => (s.files ?? []).length > 0)!;
  const unknownChanges = sessions.find((s) => s.files === null)!;
  const touchedFile = changed.files![0]!.path;
  const historyIntents: Intent[] = [
    { kind: 'recent_sessions', limit: 5 },
    { kind: 'files_touched', session: changed.id },
    { kind: 'files_touched', session: unknownChanges.id },
    { kind: 'sessions_touching', file: touchedFile },
    { kind: 'sessions_by_goal', text: changed.title ?? 'retry webhook delivery' },
    { kind: 'conventions', file: 'src/api/handlers.ts' },
    { kind: 'conventions', text: 'testing' },
    { kind: 'impact', files: ['src/db/schema.ts'] },
    { kind: 'pipeline_run' },
    { kind: 'pipeline_run', id: data.runs.find((run) => run.workspace === 0)!.id },
    { kind: 'timeline', limit: 5 },
    { kind: 'timeline', type: 'run', status: 'completed', offset: 1 },
    { kind: 'timeline', offset: 100_000 },
    { kind: 'session', id: changed.id },
    { kind: 'session', id: (sessions.find((s) => s.run !== null) ?? changed).id },
  ];
  const historyContext = { reader: historyStore, root, probe: unchangedDisk };

  const repo = new GitRepo(join(dir, 'repo'));
  repo.commit({ subject: 'start', write: { 'src/a.ts': "import './b.js';\n", 'src/b.ts': null, 'README.md': null } });
  repo.commit({ subject: 'a and b', write: { 'src/a.ts': "import './b.js';\nexport const a = 2;\n", 'src/b.ts': null } });
  repo.commit({ subject: 'rename b', move: { 'src/b.ts': 'src/c.ts' }, write: { 'src/a.ts': "import './c.js';\n" } });
  repo.write('src/a.ts', "import './c.js';\nexport const a = 3;\n");
  gitStore = await GraphStore.open({ path: join(dir, 'git.duckdb') });
  await indexWorkspaceInto(gitStore, repo.dir, { dataDir: join(dir, 'no-data-dir') });
  const gitContext = { reader: gitStore, root: repo.dir, probe: unchangedDisk, git: workTreeGit };
  const gitIntents: Intent[] = [
    { kind: 'co_changes', file: 'src/c.ts' },
    { kind: 'file_history', file: 'src/c.ts' },
    { kind: 'diff_impact' },
    { kind: 'diff_impact', base: 'HEAD~2', head: 'HEAD' },
    { kind: 'impact', files: ['src/c.ts'] },
    { kind: 'related', text: 'rename b', of: ['file', 'symbol', 'session', 'convention'] },
  ];

  contexts.push(
    { name: 'code graph', context: codeContext, intents: codeIntents },
    { name: 'code graph, snapshot', context: { ...codeContext, snapshot: await loadSnapshot(codeStore) }, intents: codeIntents },
    { name: 'history graph', context: historyContext, intents: historyIntents },
    { name: 'history graph, snapshot', context: { ...historyContext, snapshot: await loadSnapshot(historyStore) }, intents: historyIntents },
    { name: 'git graph', context: gitContext, intents: gitIntents },
    { name: 'git graph, snapshot', context: { ...gitContext, snapshot: await loadSnapshot(gitStore) }, intents: gitIntents },
  );
});
afterAll(() => {
  codeStore.close();
  historyStore.close();
  gitStore.close();
});

// The answer as JSON gives it: what a client receives, without keys whose value is undefined.
const asJson = (value: unknown): unknown => JSON.parse(JSON.stringify(value));

describe('answer schemas', () => {
  it('parse every kind of real answer, with its own schema and the union, losing no key', async () => {
    const asked = new Set<IntentKind>();
    for (const { name, context, intents } of contexts) {
      for (const intent of intents) {
        const answer = await runQuery(context, intent);
        const label = `${name}: ${JSON.stringify(intent)}`;
        expect(answer.kind, label).toBe(intent.kind);
        const own = answerSchemas[intent.kind].safeParse(answer);
        expect(own.error?.issues ?? [], label).toEqual([]);
        expect(asJson(own.data), label).toEqual(asJson(answer));
        expect(asJson(anyAnswerSchema.parse(answer)), label).toEqual(asJson(answer));
        asked.add(intent.kind);
      }
    }
    expect([...asked].sort()).toEqual([...INTENT_KINDS].sort());
  });

  it('answers with the kind-only fields filled where the fixture has them', async () => {
    const history = contexts.find((c) => c.name === 'history graph')!.context;
    const impact = await runQuery(history, { kind: 'impact', files: ['src/db/schema.ts'] });
    expect(impact.sessions.length).toBeGreaterThan(0);
    expect(impact.conventions.length).toBeGreaterThan(0);
    const git = contexts.find((c) => c.name === 'git graph')!.context;
    const partners = await runQuery(git, { kind: 'co_changes', file: 'src/c.ts' });
    expect(partners.items.length).toBeGreaterThan(0);
    const fileHistory = await runQuery(git, { kind: 'file_history', file: 'src/c.ts' });
    expect(fileHistory.items.map((i) => i.type)).toEqual(['commit', 'commit', 'commit']);
    const diff = await runQuery(git, { kind: 'diff_impact' });
    expect(diff.changed).toEqual([{ path: 'src/a.ts', status: 'modified', indexed: true }]);
    expect(diff.missingCoChanges.map((p) => p.path)).toEqual(['src/c.ts']);
    const code = contexts.find((c) => c.name === 'code graph')!.context;
    const dependencies = await runQuery(code, { kind: 'dependencies', file: 'src/store.ts' });
    expect(dependencies.packages).toEqual(['@duckdb/node-api']);
    expect(dependencies.unresolved).toEqual([{ specifier: './missing.js', line: expect.any(Number) }]);
  });

  it('reject an answer whose fields do not match its kind', () => {
    const importers = { kind: 'importers', items: [{ path: 'a.ts' }], text: '', truncated: false, total: 1 };
    expect(answerSchemas.importers.safeParse(importers).success).toBe(false);
    expect(anyAnswerSchema.safeParse({ ...importers, kind: 'nope' }).success).toBe(false);
  });
});

describe('answer types', () => {
  it('type each kind by its own schema', () => {
    expectTypeOf<AnswerOf<'importers'>['items'][number]>().toHaveProperty('path').toEqualTypeOf<string>();
    expectTypeOf<AnswerOf<'importers'>['items'][number]>().toHaveProperty('depth').toEqualTypeOf<number>();
    expectTypeOf<AnswerOf<'impact'>>().toHaveProperty('tests').toEqualTypeOf<string[]>();
    expectTypeOf<AnswerOf<'files_touched'>['session']>().toHaveProperty('recap').toEqualTypeOf<string | null>();
    expectTypeOf<AnswerOf<'co_changes'>['items'][number]>().toHaveProperty('importLinked').toEqualTypeOf<boolean>();
    expectTypeOf<AnswerOf<'file_history'>['items'][number]['type']>().toEqualTypeOf<'commit' | 'session'>();
    expectTypeOf<AnswerOf<'diff_impact'>>().toHaveProperty('head').toEqualTypeOf<string | null>();
    expectTypeOf<AnswerOf<'impact'>['coChanges'][number]>().toHaveProperty('with').toEqualTypeOf<string>();
    expectTypeOf<AnswerOf<'timeline'>['items'][number]['type']>().toEqualTypeOf<'session' | 'run'>();
    expectTypeOf<AnswerOf<'timeline'>['facets']>().toHaveProperty('branch').toEqualTypeOf<string[]>();
    expectTypeOf<AnswerOf<'session'>['parent']>().toEqualTypeOf<AnswerOf<'recent_sessions'>['items'][number] | null>();
    expectTypeOf<AnswerOf<'importers'>>().toEqualTypeOf<z.infer<typeof answerSchemas.importers>>();
    expectTypeOf<AnyAnswer>().toEqualTypeOf<z.infer<typeof anyAnswerSchema>>();
  });

  it('type runQuery by the intent it is given', () => {
    // Functions that are never called: only their types are looked at.
    const context = contexts[0]!.context;
    expectTypeOf(() => runQuery(context, { kind: 'impact', files: ['src/a.ts'] })).returns.resolves.toEqualTypeOf<AnswerOf<'impact'>>();
    expectTypeOf(() => runQuery(context, codeIntents[0]!)).returns.resolves.toEqualTypeOf<AnyAnswer>();
  });

  it('narrow an answer by its kind', async () => {
    const answer = await runQuery(contexts[0]!.context, codeIntents[2]!);
    expect(isAnswerOf(answer, 'dependencies')).toBe(true);
    expect(isAnswerOf(answer, 'importers')).toBe(false);
    if (isAnswerOf(answer, 'dependencies')) expectTypeOf(answer.packages).toEqualTypeOf<string[]>();
  });
});
