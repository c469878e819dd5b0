// Opens the graph a read command is about, with a clear message when there is none.

import { openGraph, type Graph } from '../api.js';
import { locateGraph, type ReadTarget } from './read-target.js';

export async function openForRead(target: ReadTarget): Promise<Graph> {
  const located = locateGraph(target);
  return openGraph({ workspace: located.root, db: located.db });
}
