// The attacks of issue 16, each against real files in temp folders, real symlinks and a real DuckDB graph: what kg
// reads must stay inside the workspace (and a segment inside its session folder), no input in the data dir may abort
// an index, and no session text may make a query unbounded.

import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, mkdirSync, openSync, realpathSync, symlinkSync, truncateSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportLines } from '../../graph/export.js';
import type { Warning } from '../../graph/records.js';
import { GraphStore } from '../../graph/store.js';
import { indexWorkspaceInto, type IndexReport } from '../../indexers/index.js';
import { reindexWorkspaceInto } from '../../indexers/reindex.js';
import { MAX_DATADIR_FILE_BYTES } from '../../indexers/sessions/datadir.js';
import { SESSION_TEXT_CAPS } from '../../indexers/sessions/text-caps.js';
import { MAX_TOKENISED_CHARS } from '../../queries/bm25.js';
import { runQuery, type FreshnessProbe, type QueryContext } from '../../queries/index.js';
import type { GoalItem } from '../../queries/sessions.js';
import { segmentBytes, segmentClosedLine, sessionEvents, writeSession, writeText } from '../fixtures/datadir/session-writer.js';
import { tempDir } from '../support/temp.js';

const SECRET = 'hunter2secretvalue';
const unchangedDisk: FreshnessProbe = { gitHead: () => null, changedFiles: () => [] };

/** A workspace, a folder outside it holding secrets, and a data dir, all fresh. */
function setting(): { ws: string; outside: string; dataDir: string; dbDir: string } {
  const base = realpathSync(tempDir('kg-security-'));
  const ws = join(base, 'ws');
  const outside = join(base, 'outside');
  mkdirSync(ws, { recursive: true });
  writeText(join(outside, 'secret.md'), `# Leaked\n\nTOKEN=${SECRET}\n`);
  writeText(join(outside, 'secret.ts'), `export const ${SECRET} = 1;\n`);
  return { ws, outside, dataDir: join(base, 'data'), dbDir: join(base, 'db') };
}

async function exported(store: GraphStore): Promise<string[]> {
  const lines: string[] = [];
  for await (const line of exportLines(store)) lines.push(JSON.stringify(line));
  return lines;
}

const codes = (warnings: readonly Warning[], code: string) =>
  warnings
    .filter((w) => w.code === code)
    .map((w) => w.session ?? w.path)
    .sort();

describe('rule documents and source files behind symlinks', () => {
  let report: IndexReport;
  let store: GraphStore;
  let graph: string;

  beforeAll(async () => {
    const { ws, outside, dbDir } = setting();
    writeText(join(ws, 'docs', 'agents.md'), '# Agents\n\nRetry webhook delivery with backoff.\n');
    writeText(join(ws, '.github', 'copilot-instructions.md'), '# Copilot\n\nKeep functions small.\n');
    writeText(join(outside, 'cursor', 'rules', 'leak.mdc'), `---\ndescription: x\n---\n# Rule\n\n${SECRET}\n`);
    writeText(join(ws, 'src', 'a.ts'), 'export const a = 1;\n');
    writeText(join(ws, 'src', 'b.ts'), "import { a } from './alias';\nexport const b = a;\n");
    writeText(join(outside, 'vendor', 'index.ts'), `export const ${SECRET}Vendor = 2;\n`);
    symlinkSync(join(outside, 'secret.md'), join(ws, '.cursorrules'));
    symlinkSync(join(outside, 'secret.md'), join(ws, 'CLAUDE.md'));
    symlinkSync(join(outside, 'cursor'), join(ws, '.cursor'));
    symlinkSync(join(outside, 'secret.md'), join(ws, 'src', 'AGENTS.md'));
    symlinkSync('docs/agents.md', join(ws, 'AGENTS.md')); // a link that stays inside keeps working
    symlinkSync(join(outside, 'secret.ts'), join(ws, 'src', 'leak.ts'));
    symlinkSync(join(ws, 'src', 'a.ts'), join(ws, 'src', 'alias.ts'));
    symlinkSync(join(outside, 'vendor'), join(ws, 'vendor'));
    store = await GraphStore.open({ path: join(dbDir, 'graph.duckdb') });
    report = await indexWorkspaceInto(store, ws, { dataDir: join(dbDir, 'no-data'), git: null });
    graph = (await exported(store)).join('\n');
  });
  afterAll(() => store.close());

  it('never reads a rule document whose link leaves the workspace, and says which', () => {
    expect(graph).not.toContain(SECRET);
    expect(codes(report.warnings, 'path_outside_workspace')).toEqual(
      // .cursor twice over: the linked folder (never walked) and the rule file under it (never read).
      ['.cursor', '.cursor/rules/leak.mdc', '.cursorrules', 'CLAUDE.md', 'src/AGENTS.md', 'src/leak.ts', 'vendor'].sort(),
    );
  });

  it('keeps rule documents and source files whose links stay inside', async () => {
    const sources = await store.all<{ source: string }>(`SELECT DISTINCT source FROM conventions ORDER BY source`);
    expect(sources.map((s) => s.source)).toEqual(['.github/copilot-instructions.md', 'AGENTS.md']);
    const files = await store.all<{ path: string }>(`SELECT path FROM files ORDER BY path`);
    expect(files.map((f) => f.path)).toEqual(['src/a.ts', 'src/alias.ts', 'src/b.ts']);
    const imports = await store.all<{ dst: string }>(`SELECT dst FROM edges WHERE kind = 'imports' AND src = 'file:src/b.ts'`);
    expect(imports.map((e) => e.dst)).toEqual(['file:src/alias.ts']);
  });
});

describe('session segments behind symlinks', () => {
  let report: IndexReport;
  let store: GraphStore;
  let ids: { linkedFile: string; linkedFolder: string; inside: string };

  // The session's first events in a segment of its own (so it is this workspace's), the rest where `place` puts them.
  function splitSession(dataDir: string, ws: string, id: string, place: (dir: string, rel: string, bytes: Buffer) => string): void {
    const events = sessionEvents(id, { repoRoot: ws, goal: 'tidy the parser', notes: [`recap with ${SECRET}`] });
    const head = events.slice(0, 3);
    const tail = events.slice(3);
    const dir = join(dataDir, 'sessions', id);
    const headBytes = segmentBytes(head);
    writeText(join(dir, 'events', '00000000-00000002.jsonl'), headBytes);
    const tailBytes = segmentBytes(tail);
    const tailRel = place(dir, `events/00000003-0000000${events.length - 1}.jsonl`, tailBytes);
    writeText(
      join(dir, 'manifest.jsonl'),
      `${segmentClosedLine(id, 0, head, 'events/00000000-00000002.jsonl', headBytes)}\n${segmentClosedLine(id, 1, tail, tailRel, tailBytes)}\n`,
    );
  }

  beforeAll(async () => {
    const { ws, outside, dataDir, dbDir } = setting();
    writeText(join(ws, 'src', 'a.ts'), 'export const a = 1;\n');
    ids = { linkedFile: 'sess_linkedfile01', linkedFolder: 'sess_linkedfolder1', inside: 'sess_insidelink01' };
    // A segment that is a link to a file outside its session folder (its bytes and checksum are what the manifest says).
    splitSession(dataDir, ws, ids.linkedFile, (dir, rel, bytes) => {
      writeText(join(outside, 'segment.jsonl'), bytes);
      symlinkSync(join(outside, 'segment.jsonl'), join(dir, rel));
      return rel;
    });
    // A segment reached through a linked folder.
    splitSession(dataDir, ws, ids.linkedFolder, (dir, _rel, bytes) => {
      writeText(join(outside, 'tail', '00000003.jsonl'), bytes);
      symlinkSync(join(outside, 'tail'), join(dir, 'tail'));
      return 'tail/00000003.jsonl';
    });
    // A link that stays inside the session folder is followed.
    splitSession(dataDir, ws, ids.inside, (dir, rel, bytes) => {
      writeText(join(dir, 'archive', 'tail.jsonl'), bytes);
      symlinkSync('../archive/tail.jsonl', join(dir, rel));
      return rel;
    });
    store = await GraphStore.open({ path: join(dbDir, 'graph.duckdb') });
    report = await indexWorkspaceInto(store, ws, { dataDir, git: null });
  });
  afterAll(() => store.close());

  it('rejects a segment that leaves its session folder, by a link or through a linked folder', async () => {
    expect(codes(report.warnings, 'segment_path_rejected')).toEqual([ids.linkedFile, ids.linkedFolder].sort());
    const rows = await store.all<{ id: string; recap: string | null; notes: string | null }>(`SELECT id, recap, notes FROM sessions ORDER BY id`);
    expect(rows.map((r) => r.id)).toEqual(Object.values(ids).sort());
    for (const row of rows.filter((r) => r.id !== ids.inside)) expect(row).toMatchObject({ recap: null, notes: null });
    expect((await exported(store)).join('\n').split(SECRET).length - 1).toBe(2); // the inside session's recap and notes
  });

  it('follows a segment link that stays inside the session folder', async () => {
    const [row] = await store.all<{ recap: string }>(`SELECT recap FROM sessions WHERE id = ?`, [ids.inside]);
    expect(row!.recap).toBe(`recap with ${SECRET}`);
  });
});

describe('kg reindex --files with paths outside the workspace', () => {
  it('drops every path that escapes (lexically, absolutely, or by a link), and the graph equals a full index', async () => {
    const { ws, outside, dbDir } = setting();
    writeText(join(ws, 'src', 'a.ts'), 'export const a = 1;\n');
    writeText(join(ws, 'src', 'b.ts'), "import { a } from './a';\nexport const b = a;\n");
    const elsewhere = join(ws, '..', 'elsewhere');
    writeText(join(elsewhere, 'x.ts'), `export const ${SECRET} = 3;\n`);
    const incremental = await GraphStore.open({ path: join(dbDir, 'incremental.duckdb') });
    const full = await GraphStore.open({ path: join(dbDir, 'full.duckdb') });
    try {
      const options = { dataDir: join(dbDir, 'no-data'), git: null };
      await indexWorkspaceInto(incremental, ws, options);
      // After the index: a changed file (named in a roundabout way), and a link to a file outside.
      writeText(join(ws, 'src', 'a.ts'), 'export const a = 2;\nexport const a2 = 3;\n');
      symlinkSync(join(outside, 'secret.ts'), join(ws, 'src', 'out.ts'));
      const report = await reindexWorkspaceInto(incremental, ws, {
        ...options,
        files: ['../elsewhere/x.ts', 'src/../../elsewhere/x.ts', join(elsewhere, 'x.ts'), 'src/out.ts', './src/./a.ts'],
      });
      expect(report.warnings.filter((w) => w.code === 'path_outside_workspace').map((w) => w.path)).toEqual([
        '../elsewhere/x.ts',
        'src/../../elsewhere/x.ts',
        join(elsewhere, 'x.ts'),
        'src/out.ts',
      ]);
      expect(report.modified).toEqual(['src/a.ts']);
      await indexWorkspaceInto(full, ws, options);
      const got = await exported(incremental);
      expect(got.join('\n')).not.toContain(SECRET);
      expect(got).toEqual(await exported(full));
    } finally {
      incremental.close();
      full.close();
    }
  });
});

describe('unbounded session text', () => {
  const caps = SESSION_TEXT_CAPS;
  let report: IndexReport;
  let store: GraphStore;
  let context: QueryContext;
  const id = 'sess_hugetext0001';
  // A surrogate pair across the recap cap: a cut there must drop the pair whole.
  const recap = `zebra ${'a'.repeat(caps.recap - 7)}😀 quokka ${'b'.repeat(1000)}`;
  const steps = [`wombat ${'c'.repeat(caps.note)} quokka`, ...Array.from({ length: 6 }, () => 'd '.repeat(caps.note / 2)), recap];

  beforeAll(async () => {
    const { ws, dataDir, dbDir } = setting();
    writeText(join(ws, 'src', 'a.ts'), 'export const a = 1;\n');
    writeSession(dataDir, id, { repoRoot: ws, goal: `ocelot ${'g'.repeat(caps.goal)} quokka`, notes: steps });
    writeSession(dataDir, 'sess_smalltext001', { repoRoot: ws, goal: 'parse the zebra config', notes: ['done'] });
    store = await GraphStore.open({ path: join(dbDir, 'graph.duckdb') });
    report = await indexWorkspaceInto(store, ws, { dataDir, git: null });
    context = { reader: store, root: ws, probe: unchangedDisk };
  });
  afterAll(() => store.close());

  it('keeps each text field up to its cap, cut at a character boundary, and says what was dropped', async () => {
    const [row] = await store.all<{ title: string; goal: string; recap: string; notes: string }>(
      `SELECT title, goal, recap, notes FROM sessions WHERE id = ?`,
      [id],
    );
    expect(row!.title.length).toBe(caps.title);
    expect(row!.goal.length).toBe(caps.goal);
    expect(row!.recap).toBe(recap.slice(0, caps.recap - 1)); // the pair would have been split: dropped whole
    expect(row!.notes.length).toBeLessThanOrEqual(caps.notes);
    expect(row!.notes.startsWith(`wombat ${'c'.repeat(caps.note - 7)}`)).toBe(true);
    for (const text of Object.values(row!)) expect(text).not.toMatch(/[\uD800-\uDBFF]$/);
    const truncated = report.warnings.filter((w) => w.code === 'session_text_truncated');
    expect(truncated.every((w) => w.session === id)).toBe(true);
    expect(truncated.map((w) => /its (\w+)/.exec(w.message)![1]).sort()).toEqual(['goal', 'notes', 'recap', 'title']);
  });

  it('answers sessions-by-goal from the kept text only', async () => {
    const match = async (text: string) =>
      ((await runQuery(context, { kind: 'sessions_by_goal', text })).items as GoalItem[]).map((item) => item.id).sort();
    expect(await match('zebra')).toEqual([id, 'sess_smalltext001'].sort());
    expect(await match('wombat ocelot')).toEqual([id]);
    expect(await match('quokka')).toEqual([]);
  });

  it('tokenises a bounded prefix of each field on a graph an older kg wrote with no caps', async () => {
    // As an older kg would have stored it: a recap of many megabytes.
    const huge = `platypus ${'e '.repeat(MAX_TOKENISED_CHARS)} echidna`;
    await store.write((tx) => tx.run(`UPDATE sessions SET recap = ?, notes = NULL WHERE id = ?`, [huge, 'sess_smalltext001']));
    const answer = async (text: string) => ((await runQuery(context, { kind: 'sessions_by_goal', text })).items as GoalItem[]).map((i) => i.id);
    expect(await answer('platypus')).toEqual(['sess_smalltext001']);
    expect(await answer('echidna')).toEqual([]);
  });
});

describe('data-dir files over the size cap', () => {
  it('skips and reports a giant segment without reading it, and the index goes on', async () => {
    const { ws, dataDir, dbDir } = setting();
    writeText(join(ws, 'src', 'a.ts'), 'export const a = 1;\n');
    writeSession(dataDir, 'sess_normal00001', { repoRoot: ws, goal: 'a normal session', notes: ['fine'] });
    // Over 512 MiB: read whole it cannot become a string. Sparse, so it costs no disk; its checksum is right.
    const giant = 'sess_giantsegment';
    const written = writeSession(dataDir, giant, { repoRoot: ws, goal: 'a giant session', notes: ['big'] }, { writeSegment: false });
    const size = 520 * 1024 * 1024;
    const head = sessionEvents(giant, { repoRoot: ws, goal: 'a giant session' }).slice(0, 2);
    const headBytes = segmentBytes(head);
    const giantRel = 'events/00000002-00000009.jsonl';
    const path = join(written.dir, giantRel);
    closeSync(openSync(path, 'w'));
    truncateSync(path, size);
    const fd = openSync(path, 'r+');
    writeSync(fd, Buffer.from('{"v":1}\n'), 0, 8, 0);
    closeSync(fd);
    const hash = createHash('sha256').update(Buffer.from('{"v":1}\n'));
    const zeros = Buffer.alloc(8 * 1024 * 1024);
    for (let done = 8; done < size; done += zeros.length) hash.update(zeros.subarray(0, Math.min(zeros.length, size - done)));
    const giantLine = JSON.parse(segmentClosedLine(giant, 1, written.events.slice(2), giantRel, Buffer.alloc(0))) as Record<string, unknown>;
    writeFileSync(
      join(written.dir, 'manifest.jsonl'),
      [
        segmentClosedLine(giant, 0, head, 'events/head.jsonl', headBytes),
        JSON.stringify({ ...giantLine, sha256: `sha256:${hash.digest('hex')}`, bytes: size }),
      ].join('\n') + '\n',
    );
    writeText(join(written.dir, 'events', 'head.jsonl'), headBytes);
    expect(size).toBeGreaterThan(MAX_DATADIR_FILE_BYTES);

    const store = await GraphStore.open({ path: join(dbDir, 'graph.duckdb') });
    try {
      const report = await indexWorkspaceInto(store, ws, { dataDir, git: null });
      expect(report.warnings.filter((w) => w.code === 'segment_too_large')).toEqual([
        expect.objectContaining({ session: giant, path: giantRel }),
      ]);
      const rows = await store.all<{ id: string }>(`SELECT id FROM sessions ORDER BY id`);
      expect(rows.map((r) => r.id)).toEqual([giant, 'sess_normal00001'].sort());
    } finally {
      store.close();
    }
  }, 60_000);
});

describe('reads that could block or throw', () => {
  it('skips a segment that is a FIFO and a manifest that is a folder, each costing only its session', async () => {
    const { ws, dataDir, dbDir } = setting();
    writeText(join(ws, 'src', 'a.ts'), 'export const a = 1;\n');
    const fifo = writeSession(dataDir, 'sess_fifosegment1', { repoRoot: ws, goal: 'fifo' }, { writeSegment: false });
    execFileSync('mkfifo', [join(fifo.dir, fifo.segmentRelPath)]); // read whole, it would wait for a writer forever
    const folder = writeSession(dataDir, 'sess_manifestdir1', { repoRoot: ws, goal: 'folder' });
    execFileSync('rm', [join(folder.dir, 'manifest.jsonl')]);
    mkdirSync(join(folder.dir, 'manifest.jsonl'));
    writeSession(dataDir, 'sess_fine00000002', { repoRoot: ws, goal: 'kept' });
    const store = await GraphStore.open({ path: join(dbDir, 'graph.duckdb') });
    try {
      const report = await indexWorkspaceInto(store, ws, { dataDir, git: null });
      expect(codes(report.warnings, 'segment_missing')).toEqual(['sess_fifosegment1']);
      expect(codes(report.warnings, 'manifest_missing')).toEqual(['sess_manifestdir1']);
      const rows = await store.all<{ id: string }>(`SELECT id FROM sessions`);
      expect(rows.map((r) => r.id)).toEqual(['sess_fine00000002']);
    } finally {
      store.close();
    }
  });
});

describe('pipeline runs', () => {
  it('caps their text, and never reads a run context that links out of the workspace', async () => {
    const { ws, outside, dataDir, dbDir } = setting();
    writeText(join(ws, 'src', 'a.ts'), 'export const a = 1;\n');
    const runs = join(ws, '.workrail', 'pipeline-runs');
    const context = (runId: string, goal: string, recap: string) =>
      JSON.stringify({ runId, goal, workspace: ws, pipelineMode: 'FULL', status: 'completed', phases: { coding: { result: { recapMarkdown: recap } } } });
    writeText(join(runs, 'run_big-context.json'), context('run_big', `g${'o'.repeat(SESSION_TEXT_CAPS.goal)}`, 'r'.repeat(SESSION_TEXT_CAPS.recap + 5)));
    writeText(join(outside, 'run-context.json'), context('run_leak', SECRET, SECRET));
    symlinkSync(join(outside, 'run-context.json'), join(runs, 'run_leak-context.json'));
    const store = await GraphStore.open({ path: join(dbDir, 'graph.duckdb') });
    try {
      const report = await indexWorkspaceInto(store, ws, { dataDir, git: null });
      expect(codes(report.warnings, 'run_text_truncated')).toEqual(['.workrail/pipeline-runs/run_big-context.json']);
      // Heard from the code indexer (a .json file) and from the runs reader alike.
      expect(new Set(codes(report.warnings, 'path_outside_workspace'))).toEqual(new Set(['.workrail/pipeline-runs/run_leak-context.json']));
      const rows = await store.all<{ id: string; goal: string; recap: string }>(
        `SELECT id, goal, phases->'coding'->'result'->>'recapMarkdown' AS recap FROM pipeline_runs`,
      );
      expect(rows.map((r) => [r.id, r.goal.length, r.recap.length])).toEqual([['run_big', SESSION_TEXT_CAPS.goal, SESSION_TEXT_CAPS.recap]]);
      expect((await exported(store)).join('\n')).not.toContain(SECRET);
    } finally {
      store.close();
    }
  });
});

describe('manifests that hold nothing readable', () => {
  it('reports an empty, a binary, a non-UTF-8 and a first-line-cut manifest, each by its session', async () => {
    const { ws, dataDir, dbDir } = setting();
    writeText(join(ws, 'src', 'a.ts'), 'export const a = 1;\n');
    const cases: Record<string, { code: string; text: Buffer }> = {
      sess_manifestempty: { code: 'manifest_empty', text: Buffer.alloc(0) },
      sess_manifestnul01: { code: 'manifest_invalid', text: Buffer.from('\0\0\0\x01\x02binary\0\n') },
      sess_manifestutf01: { code: 'manifest_invalid', text: Buffer.from([0x7b, 0xff, 0xfe, 0x80, 0x7d, 0x0a]) },
      sess_manifestcut01: { code: 'manifest_truncated', text: Buffer.from('{"v":1,"manifestIndex":0,"sessionId":"sess_manif') },
    };
    for (const [id, { text }] of Object.entries(cases)) {
      const written = writeSession(dataDir, id, { repoRoot: ws, goal: 'lost' });
      writeFileSync(join(written.dir, 'manifest.jsonl'), text);
    }
    writeSession(dataDir, 'sess_fine00000001', { repoRoot: ws, goal: 'kept' });
    const store = await GraphStore.open({ path: join(dbDir, 'graph.duckdb') });
    try {
      const report = await indexWorkspaceInto(store, ws, { dataDir, git: null });
      const got = report.warnings.filter((w) => w.code.startsWith('manifest_')).map((w) => `${w.code}:${w.session}`).sort();
      expect(got).toEqual(Object.entries(cases).map(([id, c]) => `${c.code}:${id}`).sort());
      const rows = await store.all<{ id: string }>(`SELECT id FROM sessions`);
      expect(rows.map((r) => r.id)).toEqual(['sess_fine00000001']);
    } finally {
      store.close();
    }
  });
});
