// Whether a workspace has vectors: asked for on this run (--vectors, --no-vectors), by the environment, or
// remembered in its graph from a run that turned them on. Off unless one of these says on.

import type { Warning } from '../../graph/records.js';
import { readMeta, type GraphStore } from '../../graph/store.js';
import type { IndexOptions } from '../index.js';
import type { VectorReport, VectorSyncOptions } from './sync.js';

/** The graph's meta key that remembers the choice ('on' or 'off'). */
export const VECTORS_META_KEY = 'vectors';

export interface VectorSetting {
  on: boolean;
  /** What the graph should remember from now on; null: leave what it remembers. */
  remember: 'on' | 'off' | null;
  /** Where the choice came from, for the report. */
  source: 'option' | 'KG_VECTORS' | 'WORKRAIL_VECTOR_SEARCH' | 'remembered' | 'default';
}

const YES = new Set(['1', 'true', 'on', 'yes']);
const NO = new Set(['0', 'false', 'off', 'no']);

/**
 * The setting of one run. `option` is `--vectors` (true) or `--no-vectors` (false, which also forgets the vectors);
 * `KG_VECTORS=1` or `WORKRAIL_VECTOR_SEARCH=1` (the agent daemon's variable) turn them on and are remembered;
 * `KG_VECTORS=0` leaves them off for this run only.
 */
export function vectorSetting(option: boolean | undefined, remembered: string | null, env: NodeJS.ProcessEnv = process.env): VectorSetting {
  if (option !== undefined) return { on: option, remember: option ? 'on' : 'off', source: 'option' };
  const kg = env.KG_VECTORS?.trim().toLowerCase();
  if (kg !== undefined && YES.has(kg)) return { on: true, remember: 'on', source: 'KG_VECTORS' };
  if (kg !== undefined && NO.has(kg)) return { on: false, remember: null, source: 'KG_VECTORS' };
  if (YES.has(env.WORKRAIL_VECTOR_SEARCH?.trim().toLowerCase() ?? '')) return { on: true, remember: 'on', source: 'WORKRAIL_VECTOR_SEARCH' };
  if (remembered === 'on') return { on: true, remember: null, source: 'remembered' };
  return { on: false, remember: null, source: 'default' };
}

/**
 * Syncs the vectors after an index when this run's setting wants them (or turns them off): the vector code, LanceDB
 * and the model are loaded only then, so a workspace without vectors never loads any of it.
 */
export async function syncVectorsIfWanted(store: GraphStore, options: VectorSyncOptions): Promise<{ report: VectorReport; warnings: Warning[] }> {
  const remembered = await readMeta(store, VECTORS_META_KEY);
  const setting = vectorSetting(options.vectors, remembered, options.env);
  if (!setting.on && setting.remember === null) return { report: { state: 'off', forgotten: false }, warnings: [] };
  const { syncVectors } = await import('./sync.js');
  return syncVectors(store, setting, remembered, options);
}

/** What the vector step of an index or reindex is told. */
export function vectorOptions(options: IndexOptions): VectorSyncOptions {
  return {
    ...(options.vectors !== undefined ? { vectors: options.vectors } : {}),
    ...(options.embedModel !== undefined ? { model: options.embedModel } : {}),
    ...(options.embedder !== undefined ? { embedder: options.embedder } : {}),
    ...(options.onProgress !== undefined ? { onProgress: options.onProgress } : {}),
  };
}
