// The rows the graph stores: what indexers produce and the store writes, one type per table.

/** Node ids are strings with a kind prefix, so one edge table can point at any node table. */
export const nodeId = {
  file: (path: string) => `file:${path}`,
  package: (name: string) => `pkg:${name}`,
  symbol: (path: string, name: string) => `sym:${path}#${name}`,
  unresolved: (specifier: string) => `unresolved:${specifier}`,
  cliCommand: (path: string, name: string, line: number) => `cli:${path}:${line}:${name}`,
  route: (path: string, method: string, route: string, line: number) => `route:${path}:${line}:${method} ${route}`,
  session: (id: string) => `session:${id}`,
  pipelineRun: (id: string) => `run:${id}`,
  convention: (source: string, ordinal: number) => `conv:${source}#${ordinal}`,
  commit: (sha: string) => `commit:${sha}`,
} as const;

/** The workspace-relative path of a file node id, or null for any other kind of node. */
export function filePathOf(id: string): string | null {
  return id.startsWith('file:') ? id.slice(5) : null;
}

export interface FileRow {
  /** Workspace-relative, forward slashes. */
  path: string;
  /** ts, tsx, mts, cts, js, jsx, mjs, cjs, dts, json */
  language: string;
  size: number;
  /** sha256 hex of the bytes. */
  hash: string;
  lines: number;
  isTest: boolean;
  mtimeMs: number;
  /** Workspace-relative path of the tsconfig whose options resolved this file, or null for the defaults. */
  tsconfig: string | null;
  /** Number of syntax diagnostics; the file is indexed as far as it parses. */
  parseErrors: number;
  /** The file's leading comment as text (not a license header or a pragma), capped; null when it has none. */
  doc: string | null;
}

export interface SymbolRow {
  file: string;
  name: string;
  /** function, class, interface, type, enum, variable, namespace, default */
  kind: string;
  line: number;
  /** The declaration's first line as written (`export function open(path: string): Store`), capped; null for none. */
  signature: string | null;
  /** Its JSDoc comment as text (tags such as @param and @example left out), capped; null when it has none. */
  doc: string | null;
}

export interface PackageRow {
  /** Bare package name, e.g. `react`, `@scope/pkg`, `node:fs`. */
  name: string;
}

export interface CliCommandRow {
  file: string;
  /** First word of the command spec, e.g. `index` for `.command('index [dir]')`. */
  name: string;
  /** The whole spec string as written. */
  spec: string;
  description: string | null;
  line: number;
}

export interface RouteRow {
  file: string;
  /** Upper case: GET, POST, PUT, PATCH, DELETE, OPTIONS, HEAD, ALL, USE. */
  method: string;
  path: string;
  line: number;
}

export interface DiagnosticRow {
  file: string;
  line: number;
  message: string;
  /** syntax | tsconfig | skipped */
  kind: string;
}

export interface EdgeRow {
  src: string;
  dst: string;
  /** imports, imports_package, imports_unresolved, imports_asset, defines, tests, produced_by, child_of, part_of_run, applies_to */
  kind: string;
  attrs: Record<string, unknown> | null;
}

/** Attributes of `imports`, `imports_package` and `imports_unresolved` edges. */
export interface ImportAttrs {
  specifier: string;
  line: number;
  type_only: boolean;
  dynamic: boolean;
  re_export: boolean;
  /** How the import is written: import, export, import_type, dynamic, require, import_equals, reference_path, reference_types. */
  form: string;
  /** On `imports_package` only: whether the compiler found the package's files. */
  resolved?: boolean;
  /** On a re-export (`re_export`): what it passes on, `*`, `*>ns` or `imported>exported` per name. */
  names?: string[];
}

/** One import as the indexer saw it, kept so it can be resolved again without re-parsing its file. */
export interface StoredImport {
  specifier: string;
  line: number;
  typeOnly: boolean;
  dynamic: boolean;
  reExport: boolean;
  form: string;
  /** On a re-export: what it passes on (`*`, `*>ns`, `imported>exported`). */
  names?: string[];
  /** The compiler's resolution mode for this usage (ts.ResolutionMode), null for the file's default. */
  mode: number | null;
}

/** What the index needs to decide, next time, whether a file must be redone, and to redo its resolution alone. */
export interface IndexStateRow {
  path: string;
  hash: string;
  size: number;
  mtimeMs: number;
  tsconfig: string | null;
  /** The file's imports; null for files that are not parsed (JSON). */
  imports: StoredImport[] | null;
}

/** An indexed file's state without its imports: enough to tell whether it changed (the imports are read on demand). */
export type IndexedFileState = Omit<IndexStateRow, 'imports'>;

/** One agent session (WorkRail v2 session store), as the sessions indexer projects it. */
export interface SessionRow {
  id: string;
  workflowId: string | null;
  /** The first present of the context keys goal, taskDescription, mrTitle, prTitle, ticketTitle, problem; else the recap's first line. */
  title: string | null;
  /** The context value the title came from (null when the title came from the recap). */
  goal: string | null;
  /** completed (run_completed seen), in_progress (its `.lock` is held) or incomplete. */
  status: string | null;
  /** The daemon's outcome from execution-stats.jsonl: success, error, timeout, stuck, gate_parked, unknown. */
  outcome: string | null;
  branch: string | null;
  startHead: string | null;
  endHead: string | null;
  /** ISO 8601. */
  startedAt: string | null;
  endedAt: string | null;
  /** Time of the last event read (ISO 8601). */
  updatedAt: string | null;
  /** daemon or mcp. */
  triggerSource: string | null;
  inputTokens: number | null;
  outputTokens: number | null;
  /** The latest step recap (notes), superseded outputs left out. */
  recap: string | null;
  /** Every step's notes, in event order, joined by blank lines. */
  notes: string | null;
  parentId: string | null;
  /** False when no source said which files the session changed. */
  changesKnown: boolean;
  /** Where the produced_by list came from: git_metrics, coding_handoff, git; null when unknown. */
  changesSource: string | null;
  /** The absolute workspace path the session recorded (`repo_root`), as recorded. */
  repoRoot: string | null;
  prUrl: string | null;
  durationMs: number | null;
}

/** A pipeline run (`<workspace>/.workrail/pipeline-runs/<runId>-context.json`). */
export interface PipelineRunRow {
  id: string;
  goal: string | null;
  /** FULL, IMPLEMENT, REVIEW_ONLY, QUICK_REVIEW. */
  mode: string | null;
  status: string | null;
  startedAt: string | null;
  /** The phases object as the context file holds it. */
  phases: Record<string, unknown> | null;
  workspace: string | null;
  worktreePath: string | null;
  /** Whether `active-run.json` points at this run. */
  active: boolean;
  /** The run's final verdict or outcome, when its coordinator wrote one (clean, minor, blocking, unknown, escalated...). */
  verdict: string | null;
  /** The coordinator's routing decisions in order, one line each, when it wrote them. */
  trace: string[] | null;
}

/** One section of a convention document (AGENTS.md, CLAUDE.md, cursor rules, ...). */
export interface ConventionRow {
  id: string;
  /** Workspace-relative path of the document. */
  source: string;
  /** The headings above the section, outermost first, joined by ' > '; '' for text before the first heading. */
  headingPath: string;
  body: string;
  /** Workspace-relative folder the section applies to; '' for the whole workspace. */
  scope: string;
  /** Position of the section in its document, from 0. */
  ordinal: number;
  /** The document's rank in the order the daemon hands documents to agents (0 first); nested documents come last. */
  priority: number;
}

/** One commit on HEAD's first-parent chain, as the git history indexer reads it. */
export interface CommitRow {
  sha: string;
  /** Its place on the first-parent chain: 1 for the oldest commit git has, HEAD's count for HEAD; newer is larger. */
  seq: number;
  /** Author time, ISO 8601. */
  authoredAt: string;
  subject: string;
  /** The message after the subject, capped; null when empty. */
  body: string | null;
  /**
   * How many files of the workspace it changed against its first parent (also those beyond the rows kept); null for a
   * shallow clone's boundary commit, whose changes git cannot tell.
   */
  filesChanged: number | null;
  /** Whether it has more than one parent (its changes are those against the first). */
  merge: boolean;
}

/** One file a commit changed, workspace-relative. */
export interface CommitFileRow {
  sha: string;
  seq: number;
  /** The path in that commit. */
  path: string;
  /** The path the same file has at HEAD (renames after the commit followed), or where it was deleted. */
  current: string;
  /** added, modified, deleted, renamed or type_changed. */
  status: string;
  /** The path before a rename. */
  oldPath: string | null;
}

/** How often a term occurs in a file's text (identifiers split at camelCase and snake_case), for lexical search. */
export interface FileTermRow {
  file: string;
  term: string;
  /** Occurrences, weighted by where they occur (the path and declarations count more than the body). */
  tf: number;
}

/** Everything the code indexer derives from a workspace's source files. */
export interface CodeRows {
  files: FileRow[];
  symbols: SymbolRow[];
  packages: PackageRow[];
  cliCommands: CliCommandRow[];
  routes: RouteRow[];
  diagnostics: DiagnosticRow[];
  terms: FileTermRow[];
  edges: EdgeRow[];
}

/** A problem worth telling the user about that did not stop the work. */
export interface Warning {
  code: string;
  message: string;
  path?: string;
  session?: string;
}
