// What every surface (HTTP, MCP, the CLI) asks of kg, whether kg runs in this process or in a `kg serve`.

import type { AnyAnswer } from '../../queries/index.js';
import type { AnalyzeReport } from '../analyze/schema.js';
import type { EnrichRequest, EnrichResult } from '../enricher/schema.js';
import type { WorkspaceListing, WorkspaceStatus } from '../status.js';
import type { AnalyzeRequest, CoordinateRequest, QueryKnowledgeInput, ReindexRequest } from '../tools.js';
import type { JobView } from './jobs.js';

/** The most graphs a listing of KG_HOME (`workspaces()`) reads: the first by folder name. */
export const MAX_LISTED_WORKSPACES = 500;

export interface KgBackend {
  /** Answers one validated query_knowledge request. */
  query(request: QueryKnowledgeInput): Promise<AnyAnswer>;
  /** Builds a session's context slots, rendered section and manifest. */
  enrich(request: EnrichRequest): Promise<EnrichResult>;
  /** Queues a reindex (or, with `full`, an index) of the workspace; the job runs after the ones before it. */
  reindex(request: ReindexRequest): Promise<JobView>;
  /** Starts a coordinator run (`kg coordinate review|implement`) as a job; it needs a model key where it runs. */
  coordinate(request: CoordinateRequest): Promise<JobView>;
  /** A job by id; null when there is no such job. */
  job(id: string): Promise<JobView | null>;
  /** The job once it has ended. */
  waitForJob(id: string): Promise<JobView>;
  status(workspace: string): Promise<WorkspaceStatus>;
  /**
   * Every graph of KG_HOME (at most MAX_LISTED_WORKSPACES), sorted by workspace, each with its status or the error
   * that kept it from one: a graph that cannot be read does not fail the list.
   */
  workspaces(): Promise<WorkspaceListing[]>;
  /** `kg session analyze`: one session's report with `session`, else every session of the workspace. */
  analyze(request: AnalyzeRequest): Promise<AnalyzeReport>;
  close(): Promise<void>;
}
