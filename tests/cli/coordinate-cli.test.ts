// `kg coordinate review` as a user runs it, against a scripted Messages API at ANTHROPIC_BASE_URL: the report, the
// exit code of a verdict that does not approve, the run read back with `kg query pipeline-run`, one-line input errors.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { GitRepo } from '../support/git-repo.js';
import { kgRunner } from '../support/kg-process.js';
import { finish, startScriptedModel, type ScriptedModel } from '../support/scripted-model.js';
import { tempDir } from '../support/temp.js';
import { RETRY_TS as RETRY, retryRepo } from '../fixtures/retry-workspace.js';

const home = tempDir('kg-home-');
const kg = kgRunner(home);
let repo: GitRepo;
let model: ScriptedModel | null = null;
const NO_KEY = { ANTHROPIC_API_KEY: '', KG_NO_SERVER: '1' };

beforeAll(async () => {
  repo = retryRepo(join(tempDir('kg-coord-cli-'), 'ws'));
  expect((await kg(['index', repo.dir, '--data-dir', tempDir('kg-empty-')], { env: NO_KEY })).code).toBe(0);
});

afterEach(async () => {
  await model?.close();
  model = null;
});

describe('kg coordinate', () => {
  it('review: runs the review session, prints the typed verdict, exits 1 unless clean, and the run is in the graph', async () => {
    writeFileSync(join(repo.dir, 'src/retry.ts'), RETRY.replace('100 * attempt', '100 * 2 ** attempt'));
    const blocking = { kind: 'kg.review_verdict', verdict: 'blocking', confidence: 'high', findings: [{ severity: 'critical', file: 'src/retry.ts', line: 2, summary: 'overflows' }], summary: 'no' };
    model = await startScriptedModel([finish('It overflows.\nVerdict: blocking', blocking)]);
    const dataDir = tempDir('kg-data-');
    const env = { ANTHROPIC_API_KEY: 'test-key', ANTHROPIC_BASE_URL: model.url, KG_NO_SERVER: '1' };
    const json = await kg(['coordinate', 'review', '-w', repo.dir, '--data-dir', dataDir, '--json'], { env });
    expect(json.stderr).toBe('');
    expect(json.code).toBe(1);
    const report = JSON.parse(json.stdout);
    expect(report).toMatchObject({ approved: false, changed: ['src/retry.ts'], reading: { verdict: 'blocking', source: 'artifact' }, reindex: { ok: true } });
    expect(model.requests[0]!.system).toContain('### Changed files (from HEAD to the working tree)');

    const run = await kg(['query', 'pipeline-run', '-w', repo.dir, '--json'], { env: NO_KEY });
    expect(JSON.parse(run.stdout)).toMatchObject({ kind: 'pipeline_run', run: { id: report.runId, verdict: 'blocking', mode: 'REVIEW_ONLY' }, items: [{ phase: 'review', result: 'full' }] });
    const text = await kg(['query', 'pipeline-run', report.runId, '-w', repo.dir], { env: NO_KEY });
    expect(text.stdout).toContain(`pipeline run ${report.runId} (REVIEW_ONLY, completed)`);
    expect(text.stdout).toContain('review: verdict blocking from artifact');
  });

  it('says in one line what is wrong with its input', async () => {
    const noKey = await kg(['coordinate', 'review', '-w', repo.dir], { env: NO_KEY });
    expect(noKey).toMatchObject({ code: 2, stdout: '' });
    expect(noKey.stderr).toMatch(/^kg: ANTHROPIC_API_KEY is not set: .*\n$/);
    const ref = await kg(['coordinate', 'review', '--base', '--upload-pack=x', '-w', repo.dir], { env: NO_KEY });
    expect(ref.stderr).toBe('kg: --base: not a git ref: "--upload-pack=x"\n');
    const goal = await kg(['coordinate', 'implement', '--goal', ' ', '-w', repo.dir], { env: NO_KEY });
    expect(goal.stderr).toBe('kg: --goal: must not be empty\n');
    const bytes = await kg(['coordinate', 'review', '--summary-bytes', 'lots'], { env: NO_KEY });
    expect(bytes.code).toBe(2);
    expect(bytes.stderr.split('\n')).toHaveLength(2);
    const run = await kg(['query', 'pipeline-run', 'a', 'b', '-w', repo.dir], { env: NO_KEY });
    expect(run.stderr).toBe('kg: pipeline-run takes at most one RUN_ID, got "a b"\n');
  });
});
