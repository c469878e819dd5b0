// kg in a running `kg serve`, over its HTTP API: the CLI and `kg mcp` hand their work to it.

import { KgError, type KgErrorCode } from '../../graph/errors.js';
import type { AnyAnswer } from '../../queries/index.js';
import type { EnrichRequest, EnrichResult } from '../enricher/schema.js';
import { LOCAL_SECRET_HEADER } from '../server/access.js';
import type { ServerRecord } from '../server/discovery.js';
import type { WorkspaceListing, WorkspaceStatus } from '../status.js';
import type { AnalyzeRequest, CoordinateRequest, QueryKnowledgeInput, ReindexRequest } from '../tools.js';
import type { AnalyzeReport } from '../analyze/schema.js';
import type { KgBackend } from './backend.js';
import { jobEnded, type JobView } from './jobs.js';

const KNOWN_CODES: readonly string[] = ['bad_input', 'not_a_workspace', 'no_graph', 'unknown_file', 'unknown_session', 'forbidden', 'locked', 'schema_too_new', 'io'];
// How long each ask for a job's end may wait on the server, and how often to ask one that does not wait.
const WAIT_MS = 5000;
const POLL_MS = 50;

export class RemoteBackend implements KgBackend {
  constructor(
    readonly url: string,
    private readonly token: string | null,
    /** The server's serve.json secret: sent, it makes this a local client that may index new workspaces. */
    private readonly localSecret: string | null = null,
  ) {}

  /** The backend of the server a serve.json record describes, as a local client. */
  static forRecord(record: ServerRecord): RemoteBackend {
    return new RemoteBackend(record.url, record.token, record.localSecret);
  }

  query(request: QueryKnowledgeInput): Promise<AnyAnswer> {
    return this.call('POST', '/v1/query', request);
  }

  enrich(request: EnrichRequest): Promise<EnrichResult> {
    return this.call('POST', '/v1/enrich', request);
  }

  reindex(request: ReindexRequest): Promise<JobView> {
    return this.call('POST', '/v1/reindex', request);
  }

  coordinate(request: CoordinateRequest): Promise<JobView> {
    const { coordinator, ...body } = request;
    return this.call('POST', `/v1/coordinate/${coordinator}`, body);
  }

  async job(id: string): Promise<JobView | null> {
    const { status, value } = await this.send('GET', `/v1/jobs/${encodeURIComponent(id)}`);
    return status === 404 ? null : this.unwrap<JobView>(status, value);
  }

  async waitForJob(id: string): Promise<JobView> {
    for (;;) {
      const asked = performance.now();
      // The server holds the answer until the job ends (or WAIT_MS), so its end is heard at once.
      const { status, value } = await this.send('GET', `/v1/jobs/${encodeURIComponent(id)}?waitMs=${WAIT_MS}`);
      if (status === 404) throw new KgError('bad_input', `no job ${id} on the server at ${this.url}`);
      const job = this.unwrap<JobView>(status, value);
      if (jobEnded(job)) return job;
      // A server that answered at once does not hold answers back: poll it.
      if (performance.now() - asked < POLL_MS) await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  }

  status(workspace: string): Promise<WorkspaceStatus> {
    return this.call('GET', `/v1/status?workspace=${encodeURIComponent(workspace)}`);
  }

  async workspaces(): Promise<WorkspaceListing[]> {
    return (await this.call<{ workspaces: WorkspaceListing[] }>('GET', '/v1/workspaces')).workspaces;
  }

  analyze(request: AnalyzeRequest): Promise<AnalyzeReport> {
    return this.call('POST', '/v1/analyze', request);
  }

  async close(): Promise<void> {}

  private async call<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    const { status, value } = await this.send(method, path, body);
    return this.unwrap<T>(status, value);
  }

  private unwrap<T>(status: number, value: unknown): T {
    if (status >= 200 && status < 300) return value as T;
    const error = (value as { error?: { code?: string; message?: string } }).error ?? {};
    const code = (KNOWN_CODES.includes(error.code ?? '') ? error.code : 'io') as KgErrorCode;
    throw new KgError(code, error.message ?? `kg serve answered ${status}`);
  }

  private async send(method: 'GET' | 'POST', path: string, body?: unknown): Promise<{ status: number; value: unknown }> {
    let response: Response;
    try {
      response = await fetch(`${this.url}${path}`, {
        method,
        headers: {
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
          ...(this.localSecret ? { [LOCAL_SECRET_HEADER]: this.localSecret } : {}),
        },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
    } catch (error) {
      throw new KgError('io', `kg serve at ${this.url} did not answer: ${(error as Error).message}`);
    }
    const text = await response.text();
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      throw new KgError('io', `kg serve at ${this.url} answered ${response.status} with a body that is not JSON`);
    }
    return { status: response.status, value };
  }
}
