// `kg status`: where the graph is, when it was indexed, what it holds, and whether it is stale.

import { summarizeGraph } from '../../graph/summary.js';
import { readGitHead } from '../../indexers/git/head.js';
import { type Io, printJson } from './io.js';
import { openForRead, type ReadTarget } from './open.js';

export interface StatusCommandOptions extends ReadTarget {
  json?: boolean;
}

export async function statusCommand(io: Io, options: StatusCommandOptions): Promise<void> {
  const graph = await openForRead(options);
  try {
    const summary = await summarizeGraph(graph.store);
    const gitHeadNow = readGitHead(graph.workspace);
    const status = {
      workspace: graph.workspace,
      db: graph.db,
      ...summary,
      gitHeadNow,
      headMovedSinceIndex: summary.gitHead !== gitHeadNow,
    };
    if (options.json) {
      printJson(io, status);
      return;
    }
    const t = summary.tables;
    io.stdout(
      [
        `workspace: ${status.workspace}`,
        `graph:     ${status.db} (schema ${summary.schemaVersion})`,
        `indexed:   ${summary.indexedAt ?? 'never'}${summary.gitHead ? ` at ${summary.gitHead.slice(0, 12)}` : ''}` +
          (status.headMovedSinceIndex ? `; HEAD is now ${gitHeadNow?.slice(0, 12) ?? 'none'}: run \`kg index\`` : ''),
        `holds:     ${t.files} files, ${t.symbols} symbols, ${t.packages} packages, ${t.cli_commands} CLI commands, ${t.routes} routes, ${t.sessions} sessions, ${t.conventions} convention sections`,
        `edges:     ${Object.entries(summary.edges).map(([kind, n]) => `${kind} ${n}`).join(', ') || 'none'}`,
      ].join('\n') + '\n',
    );
  } finally {
    graph.close();
  }
}
