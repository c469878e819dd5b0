// `kg status`: where the graph is, when it was indexed, what it holds, and whether it is stale.

import type { WorkspaceStatus } from '../status.js';
import { readerFor } from './backend.js';
import { type Io, printJson } from './io.js';
import type { ReadTarget } from './read-target.js';

export interface StatusCommandOptions extends ReadTarget {
  json?: boolean;
}

export async function statusCommand(io: Io, options: StatusCommandOptions): Promise<void> {
  const status = await readStatus(options);
  if (options.json) {
    printJson(io, status);
    return;
  }
  const t = status.tables;
  io.stdout(
    [
      `workspace: ${status.workspace}`,
      `graph:     ${status.db} (schema ${status.schemaVersion})`,
      `indexed:   ${status.indexedAt ?? 'never'}${status.gitHead ? ` at ${status.gitHead.slice(0, 12)}` : ''}` +
        (status.headMovedSinceIndex ? `; HEAD is now ${status.gitHeadNow?.slice(0, 12) ?? 'none'}: run \`kg index\`` : ''),
      `holds:     ${t.files} files, ${t.symbols} symbols, ${t.packages} packages, ${t.cli_commands} CLI commands, ${t.routes} routes, ${t.sessions} sessions, ${t.conventions} convention sections`,
      `edges:     ${Object.entries(status.edges).map(([kind, n]) => `${kind} ${n}`).join(', ') || 'none'}`,
      // A server of an older kg reports no vectors.
      ...(status.vectors ? [`vectors:   ${vectorsLine(status.vectors)}`] : []),
    ].join('\n') + '\n',
  );
}

function vectorsLine(vectors: WorkspaceStatus['vectors']): string {
  if (vectors.state === 'off') return 'off (kg index --vectors turns them on)';
  const made = vectors.model ? `${vectors.rows} of ${vectors.model} (${vectors.dimensions}-d) in ${vectors.dir}` : `in ${vectors.dir}`;
  return `${vectors.state}: ${made}${vectors.note ? `; ${vectors.note}` : ''}`;
}

async function readStatus(options: StatusCommandOptions): Promise<WorkspaceStatus> {
  const { backend, workspace } = await readerFor(options, () => import('../status.js'));
  try {
    return await backend.status(workspace);
  } finally {
    await backend.close();
  }
}
