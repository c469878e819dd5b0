// The sessions indexer on the Indexer seam: the agent data dir's sessions of the workspace, its pipeline runs, and
// their edges (produced_by, child_of, part_of_run).

import { join } from 'node:path';
import { ownedTable } from '../../graph/owned-rows.js';
import type { SessionRow } from '../../graph/records.js';
import { PIPELINE_RUNS, SESSIONS } from '../../graph/tables.js';
import { listSorted, StatFingerprint } from '../fingerprint.js';
import type { FingerprintedIndexer } from '../indexer.js';
import { indexSessions } from './index.js';
import { PIPELINE_RUNS_DIR } from './pipeline-runs.js';

export interface SessionFacts {
  /** The agent data dir read (absolute), whether or not it exists. */
  dataDir: string;
  /** Sessions in the data dir, of every workspace. */
  sessionsInDataDir: number;
  /** This workspace's sessions, as indexed (a reindex after a session looks its changes up here). */
  sessions: SessionRow[];
}

export const sessionsIndexer: FingerprintedIndexer<SessionFacts> = {
  name: 'sessions',
  owner: 'sessions',

  // Size and mtime of each session's manifest and lock and of the daemon's stats in the data dir, and of the
  // workspace's pipeline-run files.
  fingerprint(inputs) {
    const dataDir = inputs.dataDir.path;
    const fingerprint = new StatFingerprint().file('stats', join(dataDir, 'execution-stats.jsonl'));
    for (const id of listSorted(join(dataDir, 'sessions'))) {
      fingerprint.file(`session ${id}`, join(dataDir, 'sessions', id, 'manifest.jsonl'));
      fingerprint.file(`lock ${id}`, join(dataDir, 'sessions', id, '.lock'));
    }
    for (const name of listSorted(join(inputs.root, PIPELINE_RUNS_DIR))) fingerprint.file(`run ${name}`, join(inputs.root, PIPELINE_RUNS_DIR, name));
    return fingerprint.digest();
  },

  async index(inputs) {
    const result = await indexSessions(inputs.root, {
      dataDir: inputs.dataDir.path,
      dataDirExplicit: inputs.dataDir.explicit,
      ...(inputs.options.git !== undefined ? { git: inputs.options.git } : {}),
    });
    return {
      rows: { owner: 'sessions', tables: [ownedTable(SESSIONS, result.sessions), ownedTable(PIPELINE_RUNS, result.pipelineRuns)], edges: result.edges },
      warnings: result.warnings,
      facts: { dataDir: inputs.dataDir.path, sessionsInDataDir: result.sessionsInDataDir, sessions: result.sessions },
    };
  },
};
