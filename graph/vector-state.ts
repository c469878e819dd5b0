// The state file of a vector store (`vectors/state.json`): which model and graph stamp its vectors match, written last
// and atomically so that a reader never sees a state newer than the table.

import { readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileDurably } from './private-files.js';

export interface VectorState {
  model: string;
  dimensions: number;
  /** the graph's index stamp these vectors match */
  graphStamp: string;
  rows: number;
  updatedAt: string;
}

/** What state.json holds: the state and the table version it was written after, so an opener can tell that a write
 * changed the table but crashed before it recorded its state. */
export interface StoredVectorState {
  state: VectorState;
  /** `null` when the store had no table (every row removed before the first was written). */
  tableVersion: number | null;
}

export const STATE_FILE = 'state.json';
// A file of another layout is read as "no state": the vectors then lag and the next sync rewrites it.
const FORMAT = 1;

/** The state `dir` records; `null` when there is none or the file is not one this module wrote (vectors lag). */
export function readVectorState(dir: string): StoredVectorState | null {
  let text: string;
  try {
    text = readFileSync(join(dir, STATE_FILE), 'utf8');
  } catch {
    return null;
  }
  try {
    return parseStoredState(JSON.parse(text));
  } catch {
    return null;
  }
}

/** Replaces state.json whole: a temp file (0600) is written and synced, then renamed over it. */
export function writeVectorState(dir: string, stored: StoredVectorState): void {
  const { state, tableVersion } = stored;
  const text = `${JSON.stringify({ format: FORMAT, ...state, tableVersion }, null, 2)}\n`;
  writeFileDurably(join(dir, STATE_FILE), text);
}

export function removeVectorState(dir: string): void {
  rmSync(join(dir, STATE_FILE), { force: true });
}

/** Changes whenever state.json is replaced (a rename makes a new inode), so a long-lived reader notices another
 * process's write without parsing the file on every call; `null` when there is no file. */
export function vectorStateStamp(dir: string): string | null {
  try {
    const stats = statSync(join(dir, STATE_FILE));
    return `${stats.ino}:${stats.mtimeMs}:${stats.size}`;
  } catch {
    return null;
  }
}

function parseStoredState(value: unknown): StoredVectorState | null {
  if (typeof value !== 'object' || value === null) return null;
  const file = value as Record<string, unknown>;
  const { format, model, dimensions, graphStamp, rows, updatedAt, tableVersion } = file;
  if (format !== FORMAT) return null;
  if (typeof model !== 'string' || model.length === 0) return null;
  // 0 dimensions: a state written before any vector was (a graph with nothing to embed).
  if (!isCount(dimensions) || !isCount(rows) || (dimensions === 0 && rows > 0)) return null;
  if (typeof graphStamp !== 'string' || typeof updatedAt !== 'string') return null;
  if (tableVersion !== null && !isCount(tableVersion)) return null;
  return { state: { model, dimensions, graphStamp, rows, updatedAt }, tableVersion };
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}
