// `kg session analyze` on scripted transcripts whose answers are known: the citation rules, the verdicts per item,
// the query_knowledge calls, partial logs, the daemon's logs, and files that try to lead it outside the data dir.

import { appendFileSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { KgError } from '../../graph/errors.js';
import { analyzeAllSessions, analyzeSessionById } from '../../src/analyze/index.js';
import { generateAgentSessions, writeScriptedSession, type ScriptedSession } from '../fixtures/agent-sessions.js';
import { tempDir } from '../support/temp.js';

const WS = '/work/ws-analyze';

function scripted(dataDir: string, turns: ScriptedSession['turns'], extra: Partial<ScriptedSession> = {}): string {
  const id = extra.id ?? `sess_t${Math.random().toString(36).slice(2, 10)}`;
  writeScriptedSession(dataDir, {
    id,
    workspace: WS,
    goal: 'Make the retry delay grow exponentially',
    slots: [
      { slot: 'fileFacts', items: [{ key: 'file:src/trigger/retry-policy.ts', text: '- src/trigger/retry-policy.ts: imported by 2 file(s) (src/client.ts, src/queue.ts)' }] },
      { slot: 'conventions', items: [{ key: 'convention:c1', text: '### AGENTS.md § Testing\nEvery change to the delivery queue needs a regression test beside the webhook signature checks.' }] },
      { slot: 'likelyFiles', items: [{ key: 'file:src/backoff/computeDelay.ts', text: '- src/backoff/computeDelay.ts: exports computeBackoffDelay' }] },
    ],
    turns,
    ...extra,
  });
  return id;
}

const item = (a: ReturnType<typeof analyzeSessionById>, key: string) => a.slots.flatMap((s) => s.items).find((i) => i.key === key)!;

describe('citation rules', () => {
  it('a paraphrase that names the file cites it, in the first turn, with the evidence span', () => {
    const dataDir = tempDir();
    const id = scripted(dataDir, [{ text: 'The graph says retry-policy.ts is used by the client; I will change the policy there.' }]);
    const a = analyzeSessionById({ dataDir, workspace: WS }, id);
    expect(item(a, 'file:src/trigger/retry-policy.ts')).toMatchObject({ verdict: 'first_turn', turn: 1, rule: 'path' });
    expect(item(a, 'file:src/trigger/retry-policy.ts').evidence).toContain('retry-policy.ts is used by the client');
    expect(item(a, 'convention:c1').verdict).toBe('ignored');
  });

  it('a generic sentence cites nothing, and repeating the goal is no evidence', () => {
    const dataDir = tempDir();
    const id = scripted(dataDir, [{ text: 'I will look at the code and make the change. Make the retry delay grow exponentially.' }]);
    const a = analyzeSessionById({ dataDir, workspace: WS }, id);
    expect(a.slots.map((s) => s.verdict)).toEqual(['ignored', 'ignored', 'ignored']);
    expect(a.ignoredTokens).toBe(a.slots.flatMap((s) => s.items).reduce((sum, i) => sum + i.tokens, 0));
  });

  it('an identifier of the item cites it; a tool call on the path cites it in a later turn', () => {
    const dataDir = tempDir();
    const id = scripted(dataDir, [{ text: 'Looking around first.' }, { tools: [{ name: 'read_file', input: { path: 'src/trigger/retry-policy.ts' } }] }, { text: 'computeBackoffDelay is the one to change.' }]);
    const a = analyzeSessionById({ dataDir, workspace: WS }, id);
    expect(item(a, 'file:src/trigger/retry-policy.ts')).toMatchObject({ verdict: 'later_turn', turn: 2, rule: 'path' });
    expect(item(a, 'file:src/backoff/computeDelay.ts')).toMatchObject({ verdict: 'later_turn', turn: 3, rule: 'identifier' });
  });

  it('word 3-grams cite at the threshold and not below it', () => {
    const dataDir = tempDir();
    // Two of the convention's 3-grams ("delivery queue needs", "queue needs regression") out of about ten: cited.
    const over = scripted(dataDir, [{ text: 'Noted: the delivery queue needs regression coverage.' }]);
    expect(item(analyzeSessionById({ dataDir, workspace: WS }, over), 'convention:c1')).toMatchObject({ verdict: 'first_turn', rule: 'ngram' });
    // One shared 3-gram only: not cited.
    const under = scripted(dataDir, [{ text: 'The delivery queue needs work someday.' }]);
    expect(item(analyzeSessionById({ dataDir, workspace: WS }, under), 'convention:c1').verdict).toBe('ignored');
  });
});

describe('session analysis', () => {
  it('tells query_knowledge calls for facts the slots held from those they lacked', () => {
    const dataDir = tempDir();
    const id = scripted(dataDir, [
      {
        tools: [
          { name: 'query_knowledge', input: { workspace: WS, intent: { kind: 'importers', file: 'src/trigger/retry-policy.ts' } } },
          { name: 'query_knowledge', input: { workspace: WS, intent: { kind: 'impact', files: ['src/other.ts'] } } },
          { name: 'query_knowledge', input: { workspace: WS, intent: { kind: 'conventions' } } },
        ],
      },
    ]);
    const a = analyzeSessionById({ dataDir, workspace: WS }, id);
    expect(a.queryCalls).toEqual([
      { turn: 1, kind: 'importers', subject: 'src/trigger/retry-policy.ts', verdict: 'already_held', heldBy: 'file:src/trigger/retry-policy.ts' },
      { turn: 1, kind: 'impact', subject: 'src/other.ts', verdict: 'lacked', heldBy: null },
      { turn: 1, kind: 'conventions', subject: null, verdict: 'already_held', heldBy: 'conventions' },
    ]);
  });

  it("gives each slot's text as the model saw it, and the manifest with the slots left out and why", () => {
    const dataDir = tempDir();
    const id = scripted(dataDir, [{ text: 'retry-policy.ts first.' }], {
      leftOut: [{ slot: 'priorNotes', source: 'timeout', reason: 'its source ran past the 1000 ms deadline', latencyMs: 1000 }],
    });
    const a = analyzeSessionById({ dataDir, workspace: WS }, id);
    expect(a.slots.map((s) => s.slot)).toEqual(['fileFacts', 'conventions', 'likelyFiles']);
    expect(a.slots[0]!.text).toBe('## fileFacts\n- src/trigger/retry-policy.ts: imported by 2 file(s) (src/client.ts, src/queue.ts)');
    expect(a.manifest?.slots.map((s) => [s.slot, s.included, s.source])).toEqual([
      ['fileFacts', true, 'ok'],
      ['conventions', true, 'ok'],
      ['likelyFiles', true, 'ok'],
      ['priorNotes', false, 'timeout'],
    ]);
    expect(a.manifest?.slots[3]!.reason).toContain('deadline');
  });

  it('reads a conversation cut mid-line as partial, keeping the turns before it', () => {
    const dataDir = tempDir();
    const id = scripted(dataDir, [{ text: 'See retry-policy.ts first.' }]);
    appendFileSync(join(dataDir, 'agent-sessions', id, 'conversation.jsonl'), '{"role":"assistant","content":[{"type":"te');
    const a = analyzeSessionById({ dataDir, workspace: WS }, id);
    expect(a).toMatchObject({ partial: true, partialReason: 'the conversation log ends in a cut line', turns: 1 });
    expect(item(a, 'file:src/trigger/retry-policy.ts').verdict).toBe('first_turn');
  });

  it('reads the daemon conversation logs of the workspace, its context being the first message; not those of another', () => {
    const root = tempDir();
    const dataDir = join(root, 'data');
    const daemon = join(root, 'daemon-sessions');
    mkdirSync(daemon, { recursive: true });
    mkdirSync(dataDir);
    const log = (uuid: string, workspacePath: string) => {
      writeFileSync(join(daemon, `${uuid}.json`), JSON.stringify({ continueToken: 'x', checkpointToken: 'y', ts: 1, workspacePath }));
      const first = 'Fix the flaky webhook test\n\n## Prior session notes\n- Moved verifySignature into src/webhooks/verify.ts\n\n## Git diff\n 2 files changed';
      const lines = [
        { role: 'user', content: first, timestamp: '2026-11-01T00:00:00Z' },
        { role: 'assistant', stopReason: 'tool_use', content: [{ type: 'tool_use', id: 't1', name: 'Read', input: { file_path: 'src/webhooks/verify.ts' } }] },
      ];
      writeFileSync(join(daemon, `${uuid}-conversation.jsonl`), lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
    };
    log('0b6f4c9e-1111-4c1a-9d7e-aaaaaaaaaaaa', WS);
    log('0b6f4c9e-2222-4c1a-9d7e-bbbbbbbbbbbb', '/somewhere/else');
    const a = analyzeSessionById({ dataDir, workspace: WS }, '0b6f4c9e-1111-4c1a-9d7e-aaaaaaaaaaaa');
    expect(a).toMatchObject({ source: 'daemon', goal: 'Fix the flaky webhook test' });
    expect(a.slots[0]!.items.map((i) => [i.key, i.verdict])).toEqual([
      ['section:Prior session notes', 'first_turn'],
      ['section:Git diff', 'ignored'],
    ]);
    expect(() => analyzeSessionById({ dataDir, workspace: WS }, '0b6f4c9e-2222-4c1a-9d7e-bbbbbbbbbbbb')).toThrow(KgError);
    expect(analyzeAllSessions({ dataDir, workspace: WS }).sessions).toBe(1);
  });

  it('an unknown id, an id that is a path, and a session folder linked outside the data dir are unknown sessions', () => {
    const dataDir = tempDir();
    const outside = tempDir();
    scripted(outside, [{ text: 'retry-policy.ts' }], { id: 'sess_outside' });
    mkdirSync(join(dataDir, 'agent-sessions'), { recursive: true });
    symlinkSync(join(outside, 'agent-sessions', 'sess_outside'), join(dataDir, 'agent-sessions', 'sess_linked'));
    for (const id of ['sess_nope', '../../etc/passwd', 'sess_linked']) {
      try {
        analyzeSessionById({ dataDir, workspace: WS }, id);
        expect.unreachable();
      } catch (error) {
        expect(error).toBeInstanceOf(KgError);
        expect((error as KgError).code).toBe('unknown_session');
      }
    }
    expect(analyzeAllSessions({ dataDir, workspace: WS })).toMatchObject({ sessions: 0, skipped: [{ id: 'sess_linked', reason: 'context.json: outside' }] });
  });

  it('over generated sessions, the aggregate is the sum of the sessions', () => {
    const dataDir = tempDir();
    const ids = generateAgentSessions(dataDir, { workspace: WS, count: 150, seed: 3 });
    const all = analyzeAllSessions({ dataDir, workspace: WS });
    const each = ids.map((id) => analyzeSessionById({ dataDir, workspace: WS }, id));
    expect(all.sessions).toBe(150);
    expect(all.ignoredTokens).toBe(each.reduce((sum, a) => sum + a.ignoredTokens, 0));
    for (const kind of all.slotKinds) {
      const slots = each.flatMap((a) => a.slots.filter((s) => s.slot === kind.slot));
      expect(kind.sessionsGiven).toBe(slots.length);
      expect(kind.sessionsCited).toBe(slots.filter((s) => s.verdict !== 'ignored').length);
      expect(kind.sessionsCitedFirstTurn).toBe(slots.filter((s) => s.verdict === 'first_turn').length);
    }
    const fileFacts = all.slotKinds.find((k) => k.slot === 'fileFacts')!;
    expect(fileFacts.shareCited).toBeGreaterThan(0);
    expect(fileFacts.shareCited).toBeLessThan(1);
    expect(all.queryCalls.alreadyHeld).toBeGreaterThan(0);
    expect(all.queryCalls.lacked).toBeGreaterThan(0);
  });
});
