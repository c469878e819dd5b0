// A whole agent session with the real SDK client against a scripted Messages API: the context it is given, the
// record it leaves in the agent data-dir format (read back by kg's own session indexer), the reindex after it, so
// the session is in recent_sessions, files_touched and sessions_touching; and what a model may not do.

import Anthropic from '@anthropic-ai/sdk';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../../src/agent/limits.js';
import { sessionContextSchema } from '../../src/agent/record-schema.js';
import { runAgentSession, type AgentSessionOptions } from '../../src/agent/run-session.js';
import { LocalBackend } from '../../src/backend/local.js';
import { readDataDir } from '../../indexers/sessions/datadir.js';
import type { GitRepo } from '../support/git-repo.js';
import { finish, startScriptedModel, text, toolUse, type ScriptedModel, type Step } from '../support/scripted-model.js';
import { tempDir } from '../support/temp.js';
import { retryRepo } from '../fixtures/retry-workspace.js';

const saved = { ...process.env };
let dir: string;
let repo: GitRepo;
let backend: LocalBackend;
let model: ScriptedModel | null = null;

const GOAL = 'Make the retry delay in src/retry.ts grow exponentially';

beforeAll(async () => {
  dir = tempDir('kg-agent-');
  process.env.KG_HOME = join(dir, 'kg-home');
  delete process.env.KG_VECTORS;
  repo = retryRepo(join(dir, 'ws'));
  writeFileSync(join(dir, 'outside-secret.txt'), 'TOP-SECRET-OUTSIDE\n');
  backend = new LocalBackend({ keepOpen: false });
  const job = await backend.waitForJob((await backend.reindex({ workspace: repo.dir, full: true, dataDir: join(dir, 'no-data') })).id);
  expect(job.status).toBe('done');
});

afterEach(async () => {
  await model?.close();
  model = null;
});

afterAll(async () => {
  await backend.close();
  process.env = saved;
});

async function session(script: Step[], options: Partial<AgentSessionOptions> = {}) {
  model = await startScriptedModel(script);
  const dataDir = join(dir, 'data');
  const result = await runAgentSession({
    workspace: repo.dir,
    goal: GOAL,
    model: 'claude-test',
    limits: { ...DEFAULT_LIMITS, maxRetries: 0 },
    allowWrite: false,
    allowBash: false,
    budgetTokens: 2000,
    dataDir,
    backend,
    client: new Anthropic({ apiKey: 'test-key', baseURL: model.url }),
    ...options,
  });
  return { result, dataDir, requests: model.requests };
}

function resultsOf(request: ScriptedModel['requests'][number]): { content: string; is_error?: boolean }[] {
  return request.messages.at(-1)!.content as { content: string; is_error?: boolean }[];
}

const mode = (path: string) => statSync(path).mode & 0o777;

describe('kg agent run (library)', () => {
  it('gives the rendered slots once, records the session, reindexes it, and the graph answers about it', async () => {
    const { result, dataDir, requests } = await session(
      [
        { blocks: [text('The context says src/retry.ts is imported by src/client.ts.'), toolUse('read_file', { path: 'src/retry.ts' })] },
        { blocks: [toolUse('edit_file', { path: 'src/retry.ts', oldText: 'return 100 * attempt;', newText: 'return 100 * 2 ** attempt;' })] },
        { blocks: [toolUse('query_knowledge', { workspace: repo.dir, intent: { kind: 'importers', file: 'src/retry.ts' } })] },
        finish('Made retryDelay exponential in src/retry.ts.'),
      ],
      { allowWrite: true },
    );
    expect(result).toMatchObject({ outcome: 'success', reason: 'finished', turns: 4, changedFiles: ['src/retry.ts'], reindex: { ok: true } });
    expect(readFileSync(join(repo.dir, 'src/retry.ts'), 'utf8')).toContain('100 * 2 ** attempt');

    // The goal once, as the first user message; the system prompt holds the slots, not the goal.
    const first = requests[0]!;
    expect(first.messages).toEqual([{ role: 'user', content: GOAL }]);
    expect(first.system).not.toContain(GOAL);
    expect(first.system).toContain('src/client.ts');
    expect(first.system).toContain('Run npm test before you finish');
    expect(first.tools.map((t) => t.name)).toEqual(['query_knowledge', 'read_file', 'list_files', 'grep', 'write_file', 'edit_file', 'finish']);
    const importers = resultsOf(requests[3]!)[0]!;
    expect(importers.is_error).toBeUndefined();
    expect(JSON.parse(importers.content).items.map((i: { path: string }) => i.path)).toEqual(expect.arrayContaining(['src/client.ts']));

    // context.json: the exact system prompt and every slot's text, linked by session id.
    const context = sessionContextSchema.parse(JSON.parse(readFileSync(result.record.contextFile, 'utf8')));
    expect(context).toMatchObject({ sessionId: result.sessionId, workspace: repo.dir, goal: GOAL, systemPrompt: first.system, firstUserMessage: GOAL });
    expect(context.slots.length).toBeGreaterThan(0);
    for (const slot of context.slots) expect(first.system).toContain(slot.text);
    expect(context.manifest.sessionId).toBe(result.sessionId);
    // The conversation is kept, in the daemon's line format.
    const lines = readFileSync(result.record.conversationFile, 'utf8').trim().split('\n').map((line) => JSON.parse(line));
    expect(lines[0]).toMatchObject({ role: 'user', content: GOAL });
    expect(lines.filter((line) => line.role === 'assistant')).toHaveLength(4);
    // The user's data: 0600 files in 0700 folders.
    expect(mode(result.record.contextFile)).toBe(0o600);
    expect(mode(result.record.conversationFile)).toBe(0o600);
    expect(mode(join(result.record.contextFile, '..'))).toBe(0o700);
    expect(mode(result.record.sessionDir)).toBe(0o700);

    // kg's own session indexer reads the record as a completed session with its facts.
    const read = readDataDir(dataDir);
    const log = read.sessions.find((s) => s.id === result.sessionId)!;
    expect(log.locked).toBe(false);
    expect(read.warnings.filter((w) => w.path?.includes(result.sessionId))).toEqual([]);
    const kinds = log.events.map((e) => e.kind);
    expect(kinds).toEqual(
      expect.arrayContaining(['session_created', 'observation_recorded', 'run_started', 'context_set', 'node_output_appended', 'git_metrics_recorded', 'usage_recorded', 'run_completed']),
    );
    const stats = readFileSync(join(dataDir, 'execution-stats.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line));
    expect(stats.find((s) => s.sessionId === result.sessionId)).toMatchObject({ outcome: 'success', workflowId: 'kg-agent', stepCount: 4 });

    // And the graph, reindexed with the session, answers about it.
    const ask = (intent: Record<string, unknown>) => backend.query({ workspace: repo.dir, intent: intent as never }) as Promise<{ items: Record<string, unknown>[] } & Record<string, unknown>>;
    const recent = await ask({ kind: 'recent_sessions', limit: 10 });
    expect(recent.items.find((i) => i.id === result.sessionId)).toMatchObject({ title: GOAL, status: 'completed', outcome: 'success', workflowId: 'kg-agent' });
    const touched = await ask({ kind: 'files_touched', session: result.sessionId });
    // Uncommitted: git_metrics_recorded names the file; how it changed only a commit would say.
    expect(touched.items).toEqual([{ path: 'src/retry.ts', change: 'unknown', source: 'git_metrics' }]);
    expect((touched.session as { recap: string }).recap).toBe('Made retryDelay exponential in src/retry.ts.');
    const touching = await ask({ kind: 'sessions_touching', file: 'src/retry.ts' });
    expect(touching.items.map((i) => i.id)).toContain(result.sessionId);

    // The next session is told what this one did.
    const next = await session([finish('nothing to do')]);
    expect(next.requests[0]!.system).toContain(result.sessionId);

    // A child session (a coordinator's) records its parent; the graph links them.
    const child = await session([finish('checked the change')], { parentSessionId: result.sessionId });
    const created = readDataDir(dataDir).sessions.find((s) => s.id === child.result.sessionId)!.events.find((e) => e.kind === 'session_created')!;
    expect(created.data).toEqual({ parentSessionId: result.sessionId });
    const childTouched = await ask({ kind: 'files_touched', session: child.result.sessionId });
    expect(childTouched.session).toMatchObject({ id: child.result.sessionId, parentId: result.sessionId });
  });

  it('refuses paths a model gives that leave the workspace, and query_knowledge on another workspace', async () => {
    const { result, requests } = await session([
      {
        blocks: [
          toolUse('read_file', { path: '../outside-secret.txt' }),
          toolUse('read_file', { path: join(dir, 'outside-secret.txt') }),
          toolUse('query_knowledge', { workspace: dir, intent: { kind: 'recent_sessions' } }),
          toolUse('write_file', { path: 'src/new.ts', content: 'export {};\n' }),
        ],
      },
      finish('done'),
    ]);
    expect(result.outcome).toBe('success');
    const [up, absolute, otherWorkspace, write] = resultsOf(requests[1]!);
    for (const refused of [up, absolute, otherWorkspace, write]) expect(refused!.is_error).toBe(true);
    expect(JSON.stringify(requests)).not.toContain('TOP-SECRET-OUTSIDE');
    expect(otherWorkspace!.content).toMatch(/this session works on .* only/);
    // Without --allow-write there is no write tool at all.
    expect(write!.content).toMatch(/^unknown tool "write_file"/);
    expect(result.changedFiles).toEqual([]);
  });

  it('records a session that ends in an API failure with its outcome, never unknown', async () => {
    const { result, dataDir } = await session([{ status: 400, errorType: 'invalid_request_error' }]);
    expect(result).toMatchObject({ outcome: 'error', reason: 'bad_request', turns: 0 });
    const stats = readFileSync(join(dataDir, 'execution-stats.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line));
    expect(stats.find((s) => s.sessionId === result.sessionId)).toMatchObject({ outcome: 'error', reason: 'bad_request' });
    const touched = (await backend.query({ workspace: repo.dir, intent: { kind: 'files_touched', session: result.sessionId } as never })) as unknown as {
      session: { recap: string; status: string };
    };
    expect(touched.session.status).toBe('completed');
    expect(touched.session.recap).toMatch(/^Session ended \(error\): the Messages API refused the request \(400\)/);
  });
});
