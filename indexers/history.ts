// The history side of an index (sessions, pipeline runs, conventions) and a fingerprint of its inputs,
// so a reindex can tell cheaply whether any of it must be read again.

import { createHash } from 'node:crypto';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { HistoryRows } from '../graph/history-writer.js';
import type { Warning } from '../graph/records.js';
import { findConventionDocuments, indexConventions } from './conventions/index.js';
import { chooseDataDir, indexSessions, type GitHistory } from './sessions/index.js';
import { PIPELINE_RUNS_DIR } from './sessions/pipeline-runs.js';

export interface HistoryOptions {
  dataDir?: string;
  git?: GitHistory | null;
}

export interface HistoryIndex {
  rows: HistoryRows;
  warnings: Warning[];
  dataDir: string;
  sessionsInDataDir: number;
  fingerprint: string;
}

export async function indexHistory(root: string, options: HistoryOptions = {}): Promise<HistoryIndex> {
  const dataDir = chooseDataDir(options.dataDir);
  // Found once for both: finding them walks the workspace.
  const documents = findConventionDocuments(root);
  const fingerprint = historyFingerprint(root, dataDir.path, documents);
  const sessions = await indexSessions(root, {
    dataDir: dataDir.path,
    dataDirExplicit: dataDir.explicit,
    ...(options.git !== undefined ? { git: options.git } : {}),
  });
  const conventions = indexConventions(root, documents);
  return {
    rows: { sessions: sessions.sessions, pipelineRuns: sessions.pipelineRuns, conventions: conventions.conventions, edges: sessions.edges },
    warnings: [...sessions.warnings, ...conventions.warnings],
    dataDir: dataDir.path,
    sessionsInDataDir: sessions.sessionsInDataDir,
    fingerprint,
  };
}

/**
 * Size and mtime of everything the history is read from: each session's manifest and the daemon's stats in the
 * data dir, the workspace's pipeline-run files, and its convention documents. Equal fingerprints, equal history.
 */
export function historyFingerprint(root: string, dataDirPath: string, documents = findConventionDocuments(root)): string {
  const hash = createHash('sha256');
  const add = (label: string, path: string) => {
    try {
      const stat = statSync(path);
      hash.update(`${label}:${stat.size}:${stat.mtimeMs};`);
    } catch {
      hash.update(`${label}:-;`);
    }
  };
  add('stats', join(dataDirPath, 'execution-stats.jsonl'));
  for (const id of listSorted(join(dataDirPath, 'sessions'))) {
    add(`session ${id}`, join(dataDirPath, 'sessions', id, 'manifest.jsonl'));
    add(`lock ${id}`, join(dataDirPath, 'sessions', id, '.lock'));
  }
  for (const name of listSorted(join(root, PIPELINE_RUNS_DIR))) add(`run ${name}`, join(root, PIPELINE_RUNS_DIR, name));
  // A document that leads out of the workspace is never read, nor stat'ed: only its being there counts.
  for (const doc of documents) {
    if (doc.outside === undefined) add(`doc ${doc.path}`, join(root, doc.path));
    else hash.update(`doc ${doc.path}:outside ${doc.outside};`);
  }
  return hash.digest('hex');
}

function listSorted(dir: string): string[] {
  try {
    return readdirSync(dir).sort();
  } catch {
    return [];
  }
}
