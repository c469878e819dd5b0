// Which workspaces a `kg serve` works on, and for whom: a client of the HTTP API may use the workspaces already
// indexed in the server's KG_HOME and those under its `--allow-root` folders; a kg process of the same user on this
// machine (it proves that with the secret in the server's 0600 serve.json) may also index new ones. `/` never.

import { existsSync } from 'node:fs';
import { isInside } from '../../indexers/confine.js';
import { KgError } from '../../graph/errors.js';
import { defaultDbPath, kgHome, realRoot } from '../../graph/location.js';
import type { AnyAnswer } from '../../queries/index.js';
import type { KgBackend } from '../backend/backend.js';
import type { JobView } from '../backend/jobs.js';
import type { EnrichRequest, EnrichResult } from '../enricher/schema.js';
import type { WorkspaceListing, WorkspaceStatus } from '../status.js';
import type { AnalyzeRequest, CoordinateRequest, QueryKnowledgeInput, ReindexRequest } from '../tools.js';
import type { AnalyzeReport } from '../analyze/schema.js';
import { refuseFilesystemRoot } from '../workspace.js';

/** The header a local kg process sends the secret of serve.json in. */
export const LOCAL_SECRET_HEADER = 'x-kg-local-secret';

export class WorkspaceAccess {
  private readonly roots: string[];

  constructor(allowRoots: readonly string[] = []) {
    this.roots = allowRoots.map((root) => realRoot(root));
  }

  /** The folders given with --allow-root, as real paths. */
  get allowRoots(): readonly string[] {
    return this.roots;
  }

  /** Throws `forbidden` unless a client (`local`: a kg process of this machine's user) may use `workspace`. */
  check(workspace: string, local: boolean): void {
    const root = realRoot(workspace);
    refuseFilesystemRoot(root);
    if (local || this.roots.some((allowed) => isInside(allowed, root))) return;
    if (existsSync(defaultDbPath(root))) return;
    throw new KgError(
      'forbidden',
      `kg serve does not serve ${root}: it serves the workspaces indexed in ${kgHome()} and those under an --allow-root folder ` +
        '(start it with --allow-root DIR, or run kg index on this machine)',
    );
  }
}

/** `backend` for one request: every call that names a workspace is checked first. */
export function confinedBackend(backend: KgBackend, access: WorkspaceAccess, local: boolean): KgBackend {
  const checked = <R extends { workspace: string; dataDir?: string }>(request: R): R => {
    access.check(request.workspace, local);
    // A data dir is read whole: only a kg process of this user may point the server at one, never a remote client.
    if (request.dataDir !== undefined && !local) {
      throw new KgError('forbidden', 'dataDir is for a kg process of the server\'s user: kg serve reads its own data dir ($WORKRAIL_DATA_DIR or ~/.workrail/data)');
    }
    return request;
  };
  return {
    query: (request: QueryKnowledgeInput): Promise<AnyAnswer> => Promise.resolve().then(() => backend.query(checked(request))),
    enrich: (request: EnrichRequest): Promise<EnrichResult> => Promise.resolve().then(() => backend.enrich(checked(request))),
    reindex: (request: ReindexRequest): Promise<JobView> => Promise.resolve().then(() => backend.reindex(checked(request))),
    status: (workspace: string): Promise<WorkspaceStatus> => Promise.resolve().then(() => backend.status(checked({ workspace }).workspace)),
    // The graphs of KG_HOME alone, each of them a workspace this server serves to any client.
    workspaces: (): Promise<WorkspaceListing[]> => backend.workspaces(),
    analyze: (request: AnalyzeRequest): Promise<AnalyzeReport> => Promise.resolve().then(() => backend.analyze(checked(request))),
    coordinate: (request: CoordinateRequest): Promise<JobView> => Promise.resolve().then(() => backend.coordinate(checked(request))),
    job: (id) => backend.job(id),
    waitForJob: (id) => backend.waitForJob(id),
    close: () => backend.close(),
  };
}
