// Writes a session in the agent data-dir format kg's session indexer reads (WorkRail v2 session store): events in
// checksummed segments, each written to a temp file, fsynced and renamed before the manifest attests it, the manifest
// replaced atomically, and a `.lock` held until the session ends, so a killed run leaves what it had, marked unfinished.

import { createHash, randomBytes } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makePrivateFolder, writeFileDurably } from '../../graph/private-files.js';

/** An event as the runner states it; the record adds the envelope (ids, indexes, the time). */
export interface EventSpec {
  kind: string;
  data: Record<string, unknown>;
  /** Events of the run carry its id; `session_created` and observations do not. */
  inRun?: boolean;
  nodeId?: string;
}

const SESSION_ID = /^[A-Za-z0-9_-]{1,200}$/;

/** A new WorkRail-style session id: `sess_` and 26 base32 characters. */
export function newSessionId(): string {
  return `sess_${base32(randomBytes(16)).slice(0, 26)}`;
}

export function isSessionId(id: string): boolean {
  return SESSION_ID.test(id);
}

export class SessionRecord {
  readonly dir: string;
  readonly runId: string;
  private nextEventIndex = 0;
  private readonly manifestLines: string[] = [];
  private lockHeld = true;

  private constructor(
    readonly dataDir: string,
    readonly sessionId: string,
    private readonly now: () => number,
  ) {
    this.dir = join(dataDir, 'sessions', sessionId);
    this.runId = `run_${sessionId.replace(/^sess_/, '').slice(0, 20)}`;
  }

  /** Creates the session folder (0700) and takes its `.lock`; the id must be new in this data dir. */
  static create(dataDir: string, sessionId: string, now: () => number = Date.now): SessionRecord {
    if (!isSessionId(sessionId)) throw new Error(`not a session id: ${sessionId}`);
    const record = new SessionRecord(dataDir, sessionId, now);
    makePrivateFolder(join(record.dir, 'events'));
    // `wx`: two runs never share a session folder.
    writeFileSync(join(record.dir, '.lock'), `${JSON.stringify({ pid: process.pid, startedAtMs: now() })}\n`, { flag: 'wx', mode: 0o600 });
    return record;
  }

  /** Appends `events` as one segment and attests it in the manifest; on return they are on disk. */
  append(events: readonly EventSpec[]): void {
    if (events.length === 0) return;
    const first = this.nextEventIndex;
    const lines = events.map((spec, k) => JSON.stringify(this.envelope(spec, first + k)));
    const bytes = Buffer.from(`${lines.join('\n')}\n`, 'utf8');
    const last = first + events.length - 1;
    const rel = `events/${pad(first)}-${pad(last)}.jsonl`;
    writeFileDurably(join(this.dir, rel), bytes);
    this.manifestLines.push(
      JSON.stringify({
        v: 1,
        manifestIndex: this.manifestLines.length,
        sessionId: this.sessionId,
        kind: 'segment_closed',
        firstEventIndex: first,
        lastEventIndex: last,
        segmentRelPath: rel,
        sha256: `sha256:${createHash('sha256').update(bytes).digest('hex')}`,
        bytes: bytes.length,
      }),
    );
    writeFileDurably(join(this.dir, 'manifest.jsonl'), Buffer.from(`${this.manifestLines.join('\n')}\n`, 'utf8'));
    this.nextEventIndex = last + 1;
  }

  /** Ends the writing: the `.lock` goes, so the indexer reads the session as finished writing. */
  close(): void {
    if (!this.lockHeld) return;
    rmSync(join(this.dir, '.lock'), { force: true });
    this.lockHeld = false;
  }

  private envelope(spec: EventSpec, eventIndex: number): Record<string, unknown> {
    const scope = spec.inRun ? { scope: { runId: this.runId, ...(spec.nodeId ? { nodeId: spec.nodeId } : {}) } } : {};
    return {
      v: 1,
      eventId: `evt_${base32(randomBytes(10))}`,
      eventIndex,
      sessionId: this.sessionId,
      kind: spec.kind,
      dedupeKey: `${spec.kind}:${this.sessionId}:${eventIndex}`,
      ...scope,
      data: spec.data,
      timestampMs: this.now(),
    };
  }
}

/** A daemon-style line of `<dataDir>/execution-stats.jsonl`: how the session ended. */
export interface ExecutionStatLine {
  sessionId: string;
  workflowId: string;
  startMs: number;
  endMs: number;
  durationMs: number;
  outcome: 'success' | 'error' | 'timeout' | 'stuck';
  stepCount: number;
  ts: number;
  /** kg's word on why it ended (the daemon's lines have no such field; readers skip it). */
  reason: string;
}

export function appendExecutionStat(dataDir: string, line: ExecutionStatLine): void {
  makePrivateFolder(dataDir);
  // One short line in append mode: concurrent runners do not interleave inside it.
  writeFileSync(join(dataDir, 'execution-stats.jsonl'), `${JSON.stringify(line)}\n`, { flag: 'a', mode: 0o600 });
}

function pad(index: number): string {
  return String(index).padStart(8, '0');
}

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567';

function base32(bytes: Buffer): string {
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += ALPHABET[(value << (5 - bits)) & 31];
  return out;
}
