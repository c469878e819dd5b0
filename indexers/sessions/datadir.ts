// Reads the WorkRail v2 session store (the agent data dir): each session's attested events, in order, plus warnings.
// Everything the format page marks "can happen" is a warning here, never an exception: one bad session costs only itself.

import { createHash } from 'node:crypto';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Warning } from '../../graph/records.js';
import { readConfined, realPathOf } from '../confine.js';
import { KNOWN_EVENT_KINDS, type SessionEvent } from './events.js';

/**
 * Files of the data dir (manifests, segments, execution stats) larger than this are not read: 64 MiB. Checked on
 * the open file before a byte is read, so a giant (or sparse) file costs nothing.
 */
export const MAX_DATADIR_FILE_BYTES = 64 * 1024 * 1024;

/** One session as the store attests it. */
export interface SessionLog {
  id: string;
  /** Events of the attested, checksum-valid segments, sorted by eventIndex, duplicates dropped. */
  events: SessionEvent[];
  /** Its `.lock` is held: a writer is still appending. */
  locked: boolean;
}

/** A line of `execution-stats.jsonl`: how a daemon session ended. */
export interface ExecutionStat {
  sessionId: string;
  workflowId: string | null;
  startMs: number | null;
  endMs: number | null;
  outcome: string | null;
}

export interface DataDirRead {
  /** Whether the directory exists; when it does not, there is nothing else. */
  exists: boolean;
  sessions: SessionLog[];
  stats: Map<string, ExecutionStat>;
  warnings: Warning[];
}

export interface ReadDataDirOptions {
  /** Read only the sessions this returns true for (by id), e.g. to sample; default all. */
  include?: (sessionId: string) => boolean;
}

/** Reads every session under `<dir>/sessions` and `<dir>/execution-stats.jsonl`. */
export function readDataDir(dir: string, options: ReadDataDirOptions = {}): DataDirRead {
  const warnings: Warning[] = [];
  if (!isDirectory(dir)) return { exists: false, sessions: [], stats: new Map(), warnings };
  const sessionsDir = join(dir, 'sessions');
  let ids: string[] = [];
  try {
    ids = readdirSync(sessionsDir, { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name)
      .sort();
  } catch {
    // A data dir without sessions yet is fine.
  }
  const sessions: SessionLog[] = [];
  for (const id of ids) {
    if (options.include && !options.include(id)) continue;
    // Whatever goes wrong in one session folder costs that session only.
    try {
      const log = readSession(join(sessionsDir, id), id, warnings);
      if (log) sessions.push(log);
    } catch (error) {
      warnings.push({ code: 'session_unreadable', message: `session ${id}: cannot be read (${String(error)}): skipped`, session: id });
    }
  }
  return { exists: true, sessions, stats: readExecutionStats(realPathOf(dir), join(dir, 'execution-stats.jsonl'), warnings), warnings };
}

interface SegmentRecord {
  firstEventIndex: number;
  lastEventIndex: number;
  segmentRelPath: string;
  sha256: string;
  bytes: number;
}

/** One session folder; null when nothing of it can be read (the warning says why). */
export function readSession(sessionDir: string, id: string, warnings: Warning[]): SessionLog | null {
  const warn = (code: string, message: string, path?: string) =>
    warnings.push({ code, message: `session ${id}: ${message}`, session: id, ...(path ? { path } : {}) });
  const locked = existsSync(join(sessionDir, '.lock'));
  if (locked) warn('session_in_progress', 'its .lock is held (a writer is appending): indexed as far as the manifest attests');

  // Everything the session is read from must be inside its folder, by real path.
  const realDir = realPathOf(sessionDir);
  const manifest = readConfined(realDir, join(sessionDir, 'manifest.jsonl'), MAX_DATADIR_FILE_BYTES);
  if (!manifest.ok) {
    if (manifest.reason === 'missing') warn('manifest_missing', 'no readable manifest.jsonl: session skipped', 'manifest.jsonl');
    else if (manifest.reason === 'outside') warn('manifest_invalid', 'manifest.jsonl links outside the session folder: session skipped', 'manifest.jsonl');
    else warn('manifest_invalid', `manifest.jsonl is ${manifest.size} bytes, over the ${MAX_DATADIR_FILE_BYTES}-byte cap: session skipped`, 'manifest.jsonl');
    return null;
  }
  if (manifest.bytes.length === 0) {
    warn('manifest_empty', 'manifest.jsonl is empty: session skipped', 'manifest.jsonl');
    return null;
  }
  const manifestText = utf8Text(manifest.bytes);
  if (manifestText === null) {
    warn('manifest_invalid', 'manifest.jsonl is not UTF-8 text (NUL bytes or invalid UTF-8): session skipped', 'manifest.jsonl');
    return null;
  }
  const { segments, complete, validLines } = readManifest(manifestText, id, warn);
  // Cut in its first line: nothing attested, so nothing says whose session it is (its warning must stay).
  if (validLines === 0 && !complete) return null;

  // A segment the manifest does not attest is news only when the manifest is whole (a cut manifest explains it).
  const attested = new Set(segments.map((s) => s.segmentRelPath));
  reportStrayFiles(sessionDir, attested, locked || !complete, warn);

  const events: SessionEvent[] = [];
  const seenIndex = new Set<number>();
  const seenKeys = new Set<string>();
  const unknownKinds = new Set<string>();
  let outOfOrder = false;
  let previousIndex = -1;
  let duplicates = 0;
  let invalidLines = 0;
  segments.sort((a, b) => a.firstEventIndex - b.firstEventIndex);
  for (const segment of segments) {
    const bytes = readSegment(sessionDir, realDir, segment, warn);
    if (bytes === null) continue;
    const lines = bytes.toString('utf8').split('\n');
    for (const line of lines) {
      if (line.trim() === '') continue;
      const event = parseEvent(line);
      if (event === null) {
        invalidLines++;
        continue;
      }
      if (event.sessionId !== id) {
        warn('event_session_mismatch', `event ${event.eventIndex} names session ${event.sessionId}: skipped`, segment.segmentRelPath);
        continue;
      }
      const keys = [`id:${event.eventId}`, ...(event.dedupeKey ? [`dk:${event.dedupeKey}`] : [])];
      if (seenIndex.has(event.eventIndex) || keys.some((key) => seenKeys.has(key))) {
        duplicates++;
        continue;
      }
      seenIndex.add(event.eventIndex);
      for (const key of keys) seenKeys.add(key);
      if (event.eventIndex < previousIndex) outOfOrder = true;
      previousIndex = Math.max(previousIndex, event.eventIndex);
      if (!KNOWN_EVENT_KINDS.has(event.kind)) unknownKinds.add(event.kind);
      events.push(event);
    }
  }
  if (invalidLines > 0) warn('event_invalid', `${invalidLines} event line(s) do not parse or lack the envelope: skipped`);
  if (duplicates > 0) warn('event_duplicate', `${duplicates} duplicated event(s) (same eventIndex, eventId or dedupeKey): the first kept`);
  if (outOfOrder) warn('events_out_of_order', 'events are not in eventIndex order: read in eventIndex order');
  if (unknownKinds.size > 0) warn('event_kind_unknown', `skipped events of unknown kind(s): ${[...unknownKinds].sort().join(', ')}`);
  if (outOfOrder) events.sort((a, b) => a.eventIndex - b.eventIndex);
  return { id, events, locked };
}

// The valid prefix: stop at the first line that does not parse or breaks contiguity.
function readManifest(
  text: string,
  id: string,
  warn: (code: string, message: string, path?: string) => void,
): { segments: SegmentRecord[]; complete: boolean; validLines: number } {
  const segments: SegmentRecord[] = [];
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  for (let i = 0; i < lines.length; i++) {
    const record = parseJson(lines[i]!);
    const valid =
      record !== null && record.v === 1 && record.manifestIndex === i && record.sessionId === id && typeof record.kind === 'string';
    if (!valid) {
      warn(
        'manifest_truncated',
        `manifest line ${i + 1} of ${lines.length} does not parse or breaks contiguity: read the ${i} line(s) before it`,
        'manifest.jsonl',
      );
      return { segments, complete: false, validLines: i };
    }
    if (record.kind !== 'segment_closed') continue;
    const segment = segmentRecord(record);
    if (segment === null) {
      warn('manifest_truncated', `manifest line ${i + 1} is a segment_closed record without its fields: read the lines before it`, 'manifest.jsonl');
      return { segments, complete: false, validLines: i };
    }
    if (!isSafeRelPath(segment.segmentRelPath)) {
      warn('segment_path_rejected', `segment path ${JSON.stringify(segment.segmentRelPath)} escapes the session folder: not followed`);
      continue;
    }
    segments.push(segment);
  }
  return { segments, complete: true, validLines: lines.length };
}

function segmentRecord(record: Record<string, unknown>): SegmentRecord | null {
  const { firstEventIndex, lastEventIndex, segmentRelPath, sha256, bytes } = record;
  if (
    typeof firstEventIndex !== 'number' ||
    typeof lastEventIndex !== 'number' ||
    typeof segmentRelPath !== 'string' ||
    typeof sha256 !== 'string' ||
    typeof bytes !== 'number'
  ) {
    return null;
  }
  return { firstEventIndex, lastEventIndex, segmentRelPath, sha256, bytes };
}

// By real path, inside the session folder (a link, or a linked folder on the way, may not lead out); its size checked
// against the cap and the manifest's byte count before it is read.
function readSegment(
  sessionDir: string,
  realDir: string,
  segment: SegmentRecord,
  warn: (code: string, message: string, path?: string) => void,
): Buffer | null {
  const rel = segment.segmentRelPath;
  const read = readConfined(realDir, join(sessionDir, rel), MAX_DATADIR_FILE_BYTES, segment.bytes);
  if (!read.ok) {
    if (read.reason === 'missing') warn('segment_missing', `attested segment ${rel} cannot be read: its events are skipped`, rel);
    else if (read.reason === 'outside') warn('segment_path_rejected', `segment ${rel} leads outside the session folder: not followed`, rel);
    else if (read.reason === 'too_large') {
      warn('segment_too_large', `segment ${rel} is ${read.size} bytes, over the ${MAX_DATADIR_FILE_BYTES}-byte cap: its events are skipped`, rel);
    } else warn('segment_checksum_mismatch', `segment ${rel} is ${read.size} bytes, not the ${segment.bytes} attested: its events are skipped`, rel);
    return null;
  }
  const bytes = read.bytes;
  const digest = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
  if (digest !== segment.sha256 || bytes.length !== segment.bytes) {
    warn(
      'segment_checksum_mismatch',
      `segment ${segment.segmentRelPath} does not match its sha256 (or byte count): its events are skipped`,
      segment.segmentRelPath,
    );
    return null;
  }
  return bytes;
}

// A `.tmp` is a segment whose writer crashed before the rename (or is still writing, when locked): ignored either way.
function reportStrayFiles(
  sessionDir: string,
  attested: ReadonlySet<string>,
  explained: boolean,
  warn: (code: string, message: string, path?: string) => void,
): void {
  let names: string[];
  try {
    names = readdirSync(join(sessionDir, 'events'));
  } catch {
    return;
  }
  for (const name of names.sort()) {
    const rel = `events/${name}`;
    if (name.endsWith('.tmp')) {
      if (!explained) warn('segment_stray_tmp', `stray ${rel} (an unfinished segment write): ignored`, rel);
    } else if (name.endsWith('.jsonl') && !attested.has(rel) && !explained) {
      warn('segment_unattested', `${rel} is not attested by the manifest: ignored`, rel);
    }
  }
}

function parseEvent(line: string): SessionEvent | null {
  const value = parseJson(line);
  if (value === null) return null;
  const { eventId, eventIndex, sessionId, kind, dedupeKey, scope, data, timestampMs } = value;
  if (
    typeof eventIndex !== 'number' ||
    !Number.isInteger(eventIndex) ||
    typeof sessionId !== 'string' ||
    typeof kind !== 'string' ||
    typeof timestampMs !== 'number'
  ) {
    return null;
  }
  return {
    eventId: typeof eventId === 'string' ? eventId : `#${eventIndex}`,
    eventIndex,
    sessionId,
    kind,
    dedupeKey: typeof dedupeKey === 'string' ? dedupeKey : '',
    scope: isRecord(scope) ? (scope as SessionEvent['scope']) : {},
    data: isRecord(data) ? data : {},
    timestampMs,
  };
}

function readExecutionStats(realDataDir: string, path: string, warnings: Warning[]): Map<string, ExecutionStat> {
  const stats = new Map<string, ExecutionStat>();
  const read = readConfined(realDataDir, path, MAX_DATADIR_FILE_BYTES);
  if (!read.ok) {
    if (read.reason !== 'missing') {
      const why = read.reason === 'outside' ? 'links outside the data dir' : `is over the ${MAX_DATADIR_FILE_BYTES}-byte cap`;
      warnings.push({ code: 'stats_invalid', message: `execution-stats.jsonl ${why}: not read`, path: 'execution-stats.jsonl' });
    }
    return stats;
  }
  const text = read.bytes.toString('utf8');
  let invalid = 0;
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const record = parseJson(line);
    if (record === null || typeof record.sessionId !== 'string') {
      invalid++;
      continue;
    }
    stats.set(record.sessionId, {
      sessionId: record.sessionId,
      workflowId: typeof record.workflowId === 'string' ? record.workflowId : null,
      startMs: typeof record.startMs === 'number' ? record.startMs : null,
      endMs: typeof record.endMs === 'number' ? record.endMs : null,
      outcome: typeof record.outcome === 'string' ? record.outcome : null,
    });
  }
  if (invalid > 0) {
    warnings.push({
      code: 'stats_invalid',
      message: `execution-stats.jsonl: ${invalid} line(s) do not parse: skipped`,
      path: 'execution-stats.jsonl',
    });
  }
  return stats;
}

/** Relative, inside the folder: no absolute paths, no `..` segments. */
export function isSafeRelPath(path: string): boolean {
  if (path === '' || path.startsWith('/') || path.startsWith('\\') || /^[A-Za-z]:/.test(path)) return false;
  return !path.split(/[\\/]/).some((part) => part === '..');
}

const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true });

/** The bytes as text, or null when they hold a NUL byte or are not valid UTF-8. */
function utf8Text(bytes: Buffer): string | null {
  if (bytes.includes(0)) return null;
  try {
    return STRICT_UTF8.decode(bytes);
  } catch {
    return null;
  }
}

function parseJson(line: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(line);
    return isRecord(value) ? value : null;
  } catch {
    return null;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
