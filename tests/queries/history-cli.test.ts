// The example commands, run through the real `kg` binary (build first: it runs from dist/).
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { newestFirst, sessionsOf, sessionsTouching } from '../fixtures/datadir/expected.js';
import { generateDataDir, type GeneratedDataDir } from '../fixtures/datadir/generate.js';
import { kgRunner } from '../support/kg-process.js';
import { tempDir } from '../support/temp.js';

const home = tempDir('kg-home-');
const runKg = kgRunner(home);
let data: GeneratedDataDir;
let workspace: string;

// Run from the workspace, with no data dir of its own unless a test gives one.
const kg = (args: string[], env: Record<string, string> = {}) => runKg(args, { cwd: workspace, env: { WORKRAIL_DATA_DIR: join(home, 'no-data-here'), ...env } });

const json = async (args: string[]) => {
  const result = await kg([...args, '--json']);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout);
};

beforeAll(async () => {
  data = generateDataDir({ seed: 42, dir: join(tempDir(), 'fixture') });
  workspace = data.workspaces[0]!;
});

describe('kg index with --data-dir', () => {
  it('indexes code, sessions and conventions, and lists every malformed input under warnings with its session', async () => {
    const report = await json(['index', '.', '--data-dir', data.dataDir]);
    expect(report).toMatchObject({ sessions: sessionsOf(data, 0).length, dataDir: data.dataDir, pipelineRuns: 3 });
    expect(report.conventions).toBeGreaterThan(0);
    for (const m of data.malformed) {
      expect(report.warnings).toContainEqual(expect.objectContaining({ code: m.kind, session: m.session }));
    }
  });

  it('reads $WORKRAIL_DATA_DIR when there is no --data-dir', async () => {
    const result = await kg(['index', '.', '--json'], { WORKRAIL_DATA_DIR: data.dataDir });
    expect(JSON.parse(result.stdout).sessions).toBe(sessionsOf(data, 0).length);
  });
});

describe('kg query, history kinds', () => {
  it('recent-sessions --limit 5', async () => {
    const answer = await json(['query', 'recent-sessions', '--limit', '5']);
    const want = newestFirst(sessionsOf(data, 0)).slice(0, 5);
    expect(answer.items.map((i: { id: string; title: string; endedAt: string }) => [i.id, i.title, i.endedAt])).toEqual(
      want.map((s) => [s.id, s.title, s.endedAt]),
    );
    const text = await kg(['query', 'recent-sessions', '--limit', '5']);
    expect(text.stdout.split('\n')[1]).toContain(want[0]!.id);
  });

  it('files-touched SESSION_ID', async () => {
    const session = sessionsOf(data, 0).find((s) => s.source === 'git')!;
    const answer = await json(['query', 'files-touched', session.id]);
    expect(answer.items).toEqual(session.files!.map((f) => ({ ...f, source: 'git' })));
    expect(answer.session).toMatchObject({ id: session.id, title: session.title, endedAt: session.endedAt });
  });

  it('sessions-touching FILE', async () => {
    const answer = await json(['query', 'sessions-touching', 'src/trigger/trigger-router.ts']);
    expect(answer.items.map((i: { id: string }) => i.id)).toEqual(sessionsTouching(data, 0, 'src/trigger/trigger-router.ts').map((s) => s.id));
    expect(answer.items[0]).toEqual(expect.objectContaining({ id: expect.any(String), title: expect.any(String), endedAt: expect.anything() }));
  });

  it('sessions-by-goal TEXT', async () => {
    const answer = await json(['query', 'sessions-by-goal', 'retry webhook delivery', '--limit', '3']);
    expect(answer.items).toHaveLength(3);
    for (const item of answer.items) expect(item.title).toMatch(/^Retry webhook delivery/);
  });

  it('conventions --path FILE, --topic TEXT, or a positional', async () => {
    const byPath = await json(['query', 'conventions', '--path', 'src/api/handlers.ts']);
    expect(byPath.items[0]).toMatchObject({ source: 'src/api/AGENTS.md', headingPath: 'API handlers', scope: 'src/api' });
    const positionalPath = await json(['query', 'conventions', 'src/api/handlers.ts']);
    expect(positionalPath.items).toEqual(byPath.items);
    const byTopic = await json(['query', 'conventions', '--topic', 'testing']);
    const positionalTopic = await json(['query', 'conventions', 'testing']);
    expect(positionalTopic.items).toEqual(byTopic.items);
    expect(byTopic.items.map((i: { headingPath: string }) => i.headingPath)).toContain('Conventions > Testing');
  });

  it('impact FILE: also the sessions that touched the impacted files and the conventions that apply', async () => {
    const answer = await json(['query', 'impact', 'src/db/schema.ts']);
    expect(answer.sessions.length).toBeGreaterThan(0);
    expect(answer.sessions[0]).toEqual(expect.objectContaining({ id: expect.any(String), title: expect.any(String), files: expect.any(Array) }));
    expect(answer.conventions[0]).toMatchObject({ source: 'src/api/AGENTS.md' });
  });

  it('fails in one line for an unknown session (exit 1) and for conventions without a target (exit 2)', async () => {
    const unknown = await kg(['query', 'files-touched', 'sess_nope']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/^kg: unknown session: sess_nope is not in the graph[^\n]*\n$/);
    const bare = await kg(['query', 'conventions']);
    expect(bare.code).toBe(2);
    expect(bare.stderr).toMatch(/^kg: conventions needs --path FILE, --topic TEXT/);
  });
});
