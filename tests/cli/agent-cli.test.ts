// `kg agent run` as a user runs it: --dry-run without a model, one-line errors for bad input, a whole session against
// a scripted Messages API, and a session killed mid-run (SIGKILL) that leaves a record the indexer reads as in progress.

import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { readDataDir } from '../../indexers/sessions/datadir.js';
import type { GitRepo } from '../support/git-repo.js';
import { kgRunner } from '../support/kg-process.js';
import { finish, startScriptedModel, toolUse, type ScriptedModel } from '../support/scripted-model.js';
import { tempDir } from '../support/temp.js';
import { retryRepo } from '../fixtures/retry-workspace.js';

const home = tempDir('kg-home-');
const kg = kgRunner(home);
const KG = join(import.meta.dirname, '..', '..', 'bin', 'kg.js');
let repo: GitRepo;
let model: ScriptedModel | null = null;
const NO_KEY = { ANTHROPIC_API_KEY: '', KG_NO_SERVER: '1' };

beforeAll(async () => {
  repo = retryRepo(join(tempDir('kg-agent-cli-'), 'ws'));
  expect((await kg(['index', repo.dir, '--data-dir', tempDir('kg-empty-')], { env: NO_KEY })).code).toBe(0);
});

afterEach(async () => {
  await model?.close();
  model = null;
});

describe('kg agent run', () => {
  it('--dry-run prints the system prompt, the tools and the manifest, with no key, no model call and no record', async () => {
    const dataDir = tempDir('kg-data-');
    const result = await kg(['agent', 'run', '--goal', 'fix src/retry.ts', '--dry-run', '--json', '-w', repo.dir, '--data-dir', dataDir], { env: NO_KEY });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const dry = JSON.parse(result.stdout);
    expect(dry.systemPrompt).toContain('src/client.ts');
    expect(dry.firstUserMessage).toBe('fix src/retry.ts');
    expect(dry.tools.map((t: { name: string }) => t.name)).toEqual(['query_knowledge', 'read_file', 'list_files', 'grep', 'finish']);
    expect(dry.manifest.goalPaths).toEqual(['src/retry.ts']);
    expect(readdirSync(dataDir)).toEqual([]);
    const text = await kg(['agent', 'run', '--goal', 'fix src/retry.ts', '--dry-run', '--allow-bash', '-w', repo.dir], { env: NO_KEY });
    expect(text.stdout).toMatch(/^# System prompt \(claude-/);
    expect(text.stdout).toContain('- bash: ');
  });

  it('says in one line what is wrong with its input', async () => {
    const noKey = await kg(['agent', 'run', '--goal', 'fix it', '-w', repo.dir], { env: NO_KEY });
    expect(noKey).toMatchObject({ code: 2, stdout: '' });
    expect(noKey.stderr).toMatch(/^kg: ANTHROPIC_API_KEY is not set: .*\n$/);
    const empty = await kg(['agent', 'run', '--goal', '  ', '-w', repo.dir], { env: NO_KEY });
    expect(empty.stderr).toBe('kg: --goal: must not be empty\n');
    const duration = await kg(['agent', 'run', '--goal', 'x', '--wall-clock', '5 parsecs'], { env: NO_KEY });
    expect(duration.code).toBe(2);
    expect(duration.stderr).toMatch(/^kg: option '--wall-clock <duration>' argument '5 parsecs' is invalid: expected a duration .*\n$/);
    const parent = await kg(['agent', 'run', '--goal', 'x', '--parent', '../../etc'], { env: NO_KEY });
    expect(parent.stderr).toBe('kg: --parent: not a session id: ../../etc\n');
  });

  it('runs a session against the Messages API at ANTHROPIC_BASE_URL and prints where it went', async () => {
    model = await startScriptedModel([{ blocks: [toolUse('read_file', { path: 'src/retry.ts' })] }, finish('Read it; nothing to change.')]);
    const dataDir = tempDir('kg-data-');
    const env = { ANTHROPIC_API_KEY: 'test-key', ANTHROPIC_BASE_URL: model.url, KG_NO_SERVER: '1' };
    const result = await kg(['agent', 'run', '--goal', 'look at src/retry.ts', '-w', repo.dir, '--data-dir', dataDir, '--json'], { env });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report).toMatchObject({ outcome: 'success', turns: 2, reindex: { ok: true } });
    expect(model.requests[0]!.model).toBe('claude-sonnet-4-5');
    const recent = JSON.parse((await kg(['query', 'recent-sessions', '-w', repo.dir, '--json'], { env: NO_KEY })).stdout);
    expect(recent.items.map((i: { id: string }) => i.id)).toContain(report.sessionId);

    // What the session did with its context, for it alone and over all sessions.
    const analyzed = await kg(['session', 'analyze', report.sessionId, '-w', repo.dir, '--data-dir', dataDir, '--json'], { env: NO_KEY });
    expect(analyzed.stderr).toBe('');
    const analysis = JSON.parse(analyzed.stdout);
    expect(analysis).toMatchObject({ sessionId: report.sessionId, source: 'kg-runner', turns: 2, partial: false });
    expect(analysis.slots.map((s: { slot: string }) => s.slot)).toContain('fileFacts');
    const text = await kg(['session', 'analyze', '--all', '-w', repo.dir, '--data-dir', dataDir], { env: NO_KEY });
    expect(text.stdout).toMatch(/^1 session\(s\) of /);
    expect(text.stdout).toContain('| fileFacts | 1 |');
    const unknown = await kg(['session', 'analyze', 'sess_nope', '-w', repo.dir, '--data-dir', dataDir], { env: NO_KEY });
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/^kg: unknown session: sess_nope is not a session of .*\n$/);
    const both = await kg(['session', 'analyze', 'x', '--all', '-w', repo.dir], { env: NO_KEY });
    expect(both).toMatchObject({ code: 2, stderr: 'kg: give a session id or --all, not both\n' });
  });

  it('killed mid-run (SIGKILL), leaves a record the indexer reads as in progress, with what it had', async () => {
    model = await startScriptedModel((index) => (index === 0 ? { blocks: [toolUse('read_file', { path: 'src/retry.ts' })] } : { stallMs: 60_000 }));
    const dataDir = tempDir('kg-data-');
    const child = spawn(process.execPath, [KG, 'agent', 'run', '--goal', 'look at src/retry.ts', '-w', repo.dir, '--data-dir', dataDir], {
      env: { ...process.env, KG_HOME: home, ANTHROPIC_API_KEY: 'test-key', ANTHROPIC_BASE_URL: model.url, KG_NO_SERVER: '1' },
      stdio: 'ignore',
    });
    const exited = new Promise((resolve) => child.on('exit', resolve));
    // Killed while its second model call waits.
    for (let waited = 0; model.requests.length < 2 && waited < 30_000; waited += 50) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(model.requests).toHaveLength(2);
    child.kill('SIGKILL');
    await exited;

    const [id] = readdirSync(join(dataDir, 'sessions'));
    const read = readDataDir(dataDir);
    const log = read.sessions.find((s) => s.id === id)!;
    expect(log.locked).toBe(true);
    const kinds = log.events.map((e) => e.kind);
    expect(kinds).toEqual(expect.arrayContaining(['session_created', 'run_started', 'context_set']));
    expect(kinds).not.toContain('run_completed');
    // What happened before the kill is in the conversation log.
    const lines = readFileSync(join(dataDir, 'agent-sessions', id!, 'conversation.jsonl'), 'utf8').trim().split('\n');
    expect(lines.map((line) => JSON.parse(line).role)).toEqual(['user', 'assistant', 'user']);
    expect(existsSync(join(dataDir, 'agent-sessions', id!, 'context.json'))).toBe(true);

    expect((await kg(['reindex', '-w', repo.dir, '--session', id!, '--data-dir', dataDir], { env: NO_KEY })).code).toBe(0);
    const recent = JSON.parse((await kg(['query', 'recent-sessions', '-w', repo.dir, '--json'], { env: NO_KEY })).stdout);
    expect(recent.items.find((i: { id: string }) => i.id === id)).toMatchObject({ status: 'in_progress', title: 'look at src/retry.ts', endedAt: null });
  });
});
