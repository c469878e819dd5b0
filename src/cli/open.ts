// Opens the graph a read command is about, with a clear message when there is none.

import { KgError } from '../../graph/errors.js';
import { openGraph, type Graph } from '../api.js';
import { locateForRead } from '../workspace.js';

export interface ReadTarget {
  workspace?: string;
  db?: string;
}

export async function openForRead(target: ReadTarget): Promise<Graph> {
  const located = locateForRead(target);
  if (located === null) {
    throw new KgError('no_graph', `no graph for ${process.cwd()} or its parent folders: run \`kg index\` in the workspace first`);
  }
  return openGraph({ workspace: located.root, db: located.db });
}
