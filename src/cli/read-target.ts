// The graph a read command is about: `--workspace`, else the nearest indexed folder from here up; `--db` names its file.

import { KgError } from '../../graph/errors.js';
import { locateForRead, type Located } from '../workspace.js';
import { graphsWithDb } from './db-registry.js';

export interface ReadTarget {
  workspace?: string;
  db?: string;
}

/** Where the graph is; `no_graph` when no folder from here up has one. */
export function locateGraph(target: ReadTarget): Located {
  const located = locateForRead(target);
  if (located === null) {
    const folder = target.workspace ?? process.cwd();
    const elsewhere = target.db === undefined ? graphsWithDb(folder) : [];
    if (elsewhere.length > 0) {
      throw new KgError('no_graph', `no graph for ${folder} in KG_HOME, but \`kg index --db\` wrote one to ${elsewhere[0]}: add --db ${elsewhere[0]}`);
    }
    throw new KgError('no_graph', `no graph for ${folder} or its parent folders: run \`kg index\` in the workspace first`);
  }
  return located;
}
