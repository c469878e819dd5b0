import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { EdgeRow, Warning } from '../../../graph/records.js';
import { indexSessions, type GitHistory } from '../../../indexers/sessions/index.js';
import type { SessionIndexResult } from '../../../indexers/sessions/index.js';
import { generateDataDir, MALFORMED_KINDS, type GeneratedDataDir, type GeneratedSession } from '../../fixtures/datadir/generate.js';
import { sessionsOf } from '../../fixtures/datadir/expected.js';
import { tempDir } from '../../support/temp.js';

let data: GeneratedDataDir;
const byWorkspace: SessionIndexResult[] = [];

beforeAll(async () => {
  data = generateDataDir({ seed: 42, dir: join(tempDir(), 'fixture') });
  for (const ws of data.workspaces) byWorkspace.push(await indexSessions(ws, { dataDir: data.dataDir, dataDirExplicit: true }));
});

const ids = (rows: { id: string }[]) => rows.map((r) => r.id).sort();
const producedBy = (edges: EdgeRow[], session: string) =>
  edges
    .filter((e) => e.kind === 'produced_by' && e.src === `session:${session}`)
    .map((e) => ({ path: e.dst.slice('file:'.length), ...(e.attrs as { change: string; source: string }) }));

describe('the generated fixture', () => {
  it('covers every produced_by source, parents, runs and every malformed case', () => {
    const sources = new Set(data.sessions.map((s) => s.source));
    expect(sources).toEqual(new Set(['git_metrics', 'coding_handoff', 'git', null]));
    expect(data.sessions.some((s) => s.parentId !== null)).toBe(true);
    expect(data.runs.length).toBe(6);
    expect(data.malformed.map((m) => m.kind)).toEqual([...MALFORMED_KINDS]);
    expect(data.sessions.filter((s) => s.workspace === null).length).toBeGreaterThan(0);
  });
});

describe('indexSessions', () => {
  it('indexes exactly the sessions of the workspace (repo_root or pipeline run), none of the others', () => {
    data.workspaces.forEach((_ws, w) => {
      expect(ids(byWorkspace[w]!.sessions)).toEqual(ids(sessionsOf(data, w)));
    });
    expect(byWorkspace[0]!.sessionsInDataDir).toBe(data.sessions.filter((s) => s.present).length);
  });

  it('projects each session as the generator wrote it', () => {
    data.workspaces.forEach((_ws, w) => {
      const rows = new Map(byWorkspace[w]!.sessions.map((row) => [row.id, row]));
      for (const expected of sessionsOf(data, w)) {
        const row = rows.get(expected.id)!;
        expect({ id: row.id, ...pick(row) }).toEqual({ id: expected.id, ...pick(expected) });
        expect(row.changesKnown).toBe(expected.files !== null);
        expect(row.changesSource).toBe(expected.source);
        expect(row.startedAt).toBe(expected.startedAt);
        expect(row.updatedAt).toBe(expected.updatedAt);
        expect(row.outcome).toBe(expected.outcome);
      }
    });
  });

  it('draws produced_by edges session -> file with the change kind and the source, for every session', () => {
    data.workspaces.forEach((_ws, w) => {
      const edges = byWorkspace[w]!.edges;
      for (const expected of sessionsOf(data, w)) {
        const want = (expected.files ?? []).map((f) => ({ ...f, source: expected.source })).sort((a, b) => (a.path < b.path ? -1 : 1));
        expect(producedBy(edges, expected.id)).toEqual(want);
      }
    });
  });

  it('asks git only when git metrics and handoffs are missing, and reads added/modified/deleted from it', () => {
    const gitSessions = sessionsOf(data, 0).filter((s) => s.source === 'git');
    expect(gitSessions.length).toBeGreaterThan(0);
    const changes = new Set(gitSessions.flatMap((s) => s.files!.map((f) => f.change)));
    expect(changes).toEqual(new Set(['added', 'modified', 'deleted']));
    // Sessions with a handoff and commit shas that do not exist: the handoff wins and git is never asked.
    expect(byWorkspace[0]!.warnings.filter((w) => w.code.startsWith('git_'))).toEqual([]);
  });

  it('draws child_of edges to parents of the same workspace and keeps the id of a parent elsewhere', () => {
    data.workspaces.forEach((_ws, w) => {
      const present = new Set(sessionsOf(data, w).map((s) => s.id));
      const want = sessionsOf(data, w)
        .filter((s) => s.parentId !== null && present.has(s.parentId))
        .map((s) => `${s.id}->${s.parentId}`)
        .sort();
      const got = byWorkspace[w]!.edges.filter((e) => e.kind === 'child_of').map((e) => `${e.src.slice(8)}->${e.dst.slice(8)}`).sort();
      expect(got).toEqual(want);
    });
    const crossChild = sessionsOf(data, 1).find((s) => s.parentId !== null && sessionsOf(data, 0).some((p) => p.id === s.parentId));
    expect(crossChild).toBeDefined();
    expect(byWorkspace[1]!.sessions.find((s) => s.id === crossChild!.id)!.parentId).toBe(crossChild!.parentId);
  });

  it('reads pipeline runs with their phases and links each phase session with part_of_run', () => {
    data.workspaces.forEach((_ws, w) => {
      const runs = data.runs.filter((r) => r.workspace === w);
      expect(byWorkspace[w]!.pipelineRuns.map((r) => r.id).sort()).toEqual(runs.map((r) => r.id).sort());
      const want = runs.flatMap((r) => r.sessions.map((s) => `${s.id}->${r.id}:${s.phase}`)).sort();
      const got = byWorkspace[w]!.edges
        .filter((e) => e.kind === 'part_of_run')
        .map((e) => `${e.src.slice(8)}->${e.dst.slice(4)}:${(e.attrs as { phase: string }).phase}`)
        .sort();
      expect(got).toEqual(want);
    });
    const active = byWorkspace[0]!.pipelineRuns.filter((r) => r.active).map((r) => r.id);
    expect(active).toEqual(data.runs.filter((r) => r.active).map((r) => r.id));
  });

  it('reports exactly the injected problems, each with its session id', () => {
    const got = byWorkspace[0]!.warnings.map((w) => `${w.code}:${w.session ?? w.path}`).sort();
    const want = [...data.malformed.map((m) => `${m.kind}:${m.session}`), ...data.otherProblems.map((p) => `${p.code}:${p.path}`)].sort();
    expect(got).toEqual(want);
    // Workspaces with nothing malformed of their own only hear of sessions that could have been theirs.
    expect(byWorkspace[1]!.warnings.map((w) => w.code).sort()).toEqual(['manifest_missing', 'stats_invalid']);
  });
});

describe.each(MALFORMED_KINDS)('malformed input: %s', (kind) => {
  it('is reported with the session id, and every other session is still indexed', () => {
    const injected = data.malformed.find((m) => m.kind === kind)!;
    const warnings = byWorkspace[0]!.warnings.filter((w: Warning) => w.session === injected.session);
    expect(warnings).toEqual([expect.objectContaining({ code: kind, session: injected.session })]);
    expect(warnings[0]!.message).toContain(injected.session);
    const indexed = new Set(byWorkspace[0]!.sessions.map((s) => s.id));
    for (const s of sessionsOf(data, 0)) expect(indexed.has(s.id)).toBe(true);
    expect(indexed.has(injected.session)).toBe(kind !== 'manifest_missing');
    expect(indexed.size).toBe(sessionsOf(data, 0).length);
  });
});

describe('what survives a malformed session', () => {
  const row = (kind: string) => {
    const id = data.malformed.find((m) => m.kind === kind)!.session;
    return { row: byWorkspace[0]!.sessions.find((s) => s.id === id)!, expected: data.sessions.find((s) => s.id === id)! };
  };

  it('a cut manifest, a bad checksum or a missing segment keep the events before it', () => {
    for (const kind of ['manifest_truncated', 'segment_checksum_mismatch', 'segment_missing']) {
      const { row: r, expected } = row(kind);
      expect(r.title).toBe(expected.title);
      expect(r.title).not.toBeNull();
      expect(r.changesKnown).toBe(false);
      expect(r.status).toBe('incomplete');
      expect(r.endedAt).toBeNull();
    }
  });

  it('a session still being written is in progress, as far as its manifest attests', () => {
    const { row: r } = row('session_in_progress');
    expect(r.status).toBe('in_progress');
    expect(r.changesKnown).toBe(false);
  });

  it('duplicated events count once', () => {
    const { row: r, expected } = row('event_duplicate');
    expect(r.inputTokens).toBe(expected.inputTokens);
    expect(producedBy(byWorkspace[0]!.edges, r.id)).toHaveLength(expected.files!.length);
  });

  it('events out of order are read in eventIndex order: the later context_set gives the title', () => {
    const { row: r, expected } = row('events_out_of_order');
    expect(r.title).toBe(expected.title);
    expect(r.title).not.toMatch(/^Draft:/);
  });

  it('paths escaping the workspace are dropped, the others kept', () => {
    const { row: r, expected } = row('path_rejected');
    expect(producedBy(byWorkspace[0]!.edges, r.id).map((f) => f.path)).toEqual(expected.files!.map((f) => f.path).sort());
    const warning = byWorkspace[0]!.warnings.find((w) => w.session === r.id)!;
    expect(warning.message).toContain('../outside/secret.ts');
    expect(warning.message).toContain('/etc/passwd');
  });
});

describe('the data dir and git', () => {
  it('a data dir that does not exist is a warning when named, silence when it is only the default', async () => {
    const missing = join(tempDir(), 'no-such-dir');
    const named = await indexSessions(data.workspaces[0]!, { dataDir: missing, dataDirExplicit: true });
    expect(named.sessions).toEqual([]);
    expect(named.warnings.map((w) => w.code)).toContain('datadir_missing');
    const byDefault = await indexSessions(data.workspaces[0]!, { dataDir: missing, dataDirExplicit: false });
    expect(byDefault.warnings.map((w) => w.code)).not.toContain('datadir_missing');
    // The workspace's pipeline runs are still read.
    expect(byDefault.pipelineRuns.length).toBe(data.runs.filter((r) => r.workspace === 0).length);
  });

  it('without git, sessions only git could explain are indexed with unknown changes and a warning', async () => {
    const result = await indexSessions(data.workspaces[0]!, { dataDir: data.dataDir, git: null });
    const gitOnly = sessionsOf(data, 0).filter((s) => s.source === 'git');
    for (const s of gitOnly) {
      expect(result.sessions.find((r) => r.id === s.id)!.changesKnown).toBe(false);
      expect(result.warnings).toContainEqual(expect.objectContaining({ code: 'git_unavailable', session: s.id }));
    }
    expect(ids(result.sessions)).toEqual(ids(sessionsOf(data, 0)));
  });

  it('uses what a GitHistory reports, and reports a git failure per session', async () => {
    const asked: string[][] = [];
    const fake: GitHistory = {
      filesOfCommits: async (shas) => {
        asked.push([...shas]);
        return { ok: true, files: [{ path: 'src/fake.ts', change: 'added' }] };
      },
      filesOfRange: async () => ({ ok: false, reason: 'bad revision' }),
    };
    const result = await indexSessions(data.workspaces[0]!, { dataDir: data.dataDir, git: fake });
    const gitOnly = sessionsOf(data, 0).filter((s) => s.source === 'git');
    expect(asked.length + result.warnings.filter((w) => w.code === 'git_failed').length).toBe(gitOnly.length);
    for (const shas of asked) expect(shas.length).toBe(2);
  });

  it('reads a data dir with no sessions folder as empty', async () => {
    const dir = join(tempDir(), 'empty-data');
    mkdirSync(dir);
    writeFileSync(join(dir, 'execution-stats.jsonl'), '');
    const result = await indexSessions(data.workspaces[2]!, { dataDir: dir, dataDirExplicit: true });
    expect(result.sessions).toEqual([]);
    expect(result.warnings).toEqual([]);
  });
});

type Compared = 'title' | 'goal' | 'recap' | 'notes' | 'parentId' | 'branch' | 'endedAt' | 'status' | 'inputTokens' | 'outputTokens';

function pick(s: { [K in Compared]: GeneratedSession[K] | string | null }) {
  return {
    title: s.title,
    goal: s.goal,
    recap: s.recap,
    notes: s.notes,
    parentId: s.parentId,
    branch: s.branch,
    endedAt: s.endedAt,
    status: s.status,
    inputTokens: s.inputTokens,
    outputTokens: s.outputTokens,
  };
}
