// `kg status`: where the graph is, when it was indexed, what it holds, and whether it is stale; `--all`: a line of that
// for every workspace indexed in KG_HOME.

import { kgHome } from '../../graph/location.js';
import type { WorkspaceListing, WorkspaceStatus } from '../status.js';
import { backendFor, readerFor } from './backend.js';
import { type Io, printJson } from './io.js';
import type { ReadTarget } from './read-target.js';

export interface StatusCommandOptions extends ReadTarget {
  json?: boolean;
  all?: boolean;
}

export async function statusCommand(io: Io, options: StatusCommandOptions): Promise<void> {
  if (options.all) return listCommand(io, Boolean(options.json));
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

/** `--all`: the workspaces of KG_HOME (a running server's, when there is one), one line each, or `{ workspaces }`. */
async function listCommand(io: Io, json: boolean): Promise<void> {
  const backend = await backendFor(io, { quiet: true });
  let workspaces: WorkspaceListing[];
  try {
    workspaces = await backend.workspaces();
  } finally {
    await backend.close();
  }
  if (json) {
    printJson(io, { workspaces });
    return;
  }
  if (workspaces.length === 0) {
    io.stdout(`no workspace is indexed in ${kgHome()}: run \`kg index\` in one\n`);
    return;
  }
  const width = Math.min(60, Math.max(...workspaces.map((entry) => entry.workspace.length)));
  io.stdout(workspaces.map((entry) => `${entry.workspace.padEnd(width)}  ${listingLine(entry)}`).join('\n') + '\n');
}

/** When the workspace was indexed, its HEAD then and now, its files and vectors; or why its graph could not be read. */
function listingLine(entry: WorkspaceListing): string {
  const status = entry.status;
  if (!status) return `error (${entry.error?.code ?? 'io'}): ${entry.error?.message ?? 'the graph could not be read'}`;
  const short = (sha: string | null) => sha?.slice(0, 12) ?? 'none';
  const head =
    status.gitHead === null && status.gitHeadNow === null
      ? 'no git HEAD'
      : status.headMovedSinceIndex
        ? `HEAD ${short(status.gitHead)}, now ${short(status.gitHeadNow)}: stale`
        : `HEAD ${short(status.gitHead)}, unchanged`;
  // A server of an older kg reports no vectors.
  return [`indexed ${status.indexedAt ?? 'never'}`, head, `${status.tables.files ?? 0} files`, `vectors ${status.vectors?.state ?? 'off'}`].join('  ');
}
