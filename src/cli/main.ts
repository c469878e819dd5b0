// The `kg` command line: a thin shell over the library API.

import { createRequire } from 'node:module';
import type * as Commander from 'commander';
import { EXIT, reportFailure, type Io, processIo } from './io.js';
import { QUERY_KINDS } from './query-kinds.js';
import { isModelId } from '../../indexers/embeddings/model-id.js';
import { MAX_DEPTH, MAX_LIMIT, RELATED_KINDS, RELATED_SIGNALS, TIMELINE_MAX_LIMIT, TIMELINE_MAX_OFFSET, TIMELINE_TYPES } from '../../queries/kinds.js';

// commander is CommonJS: required directly, it loads in ~12 ms instead of ~20 through its ESM wrapper (which also makes
// Node scan its source for exports), on every kg command.
const { Command, CommanderError, InvalidArgumentError, Option } = createRequire(import.meta.url)('commander') as typeof Commander;
type Command = Commander.Command;

/** Runs `kg` with `argv` (without node and script) and resolves to the exit code. */
export async function main(argv: readonly string[], io: Io = processIo()): Promise<number> {
  const program = buildProgram(io);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return io.exitCode();
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version are not failures; anything else commander rejects is bad usage, said in one line.
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') return EXIT.ok;
      if (error.code === 'commander.help') return EXIT.ok;
      io.stderr(`kg: ${usageMessage(error.message)} (run kg --help for usage)\n`);
      return EXIT.usage;
    }
    return reportFailure(io, error);
  }
}

function buildProgram(io: Io): Command {
  const program = new Command('kg')
    .description('A knowledge graph of a TypeScript workspace for AI coding agents.')
    .version('0.1.0')
    .configureOutput({
      writeOut: (text) => io.stdout(text),
      writeErr: (text) => io.stderr(text),
      // Commander's own error lines ("error: ...", a suggestion below) become main's one `kg:` line.
      outputError: () => undefined,
    })
    .exitOverride();

  const dbOption = () => new Option('--db <path>', 'the graph database file (default: $KG_HOME/<workspace-id>/graph.duckdb)');
  const jsonOption = () => new Option('--json', 'print machine-readable JSON on stdout');
  const historyDepthOption = () =>
    new Option('--history-depth <n>', `git commits to keep, back from HEAD along first parents (0: none; default $KG_HISTORY_DEPTH, else the last depth, else 1000)`)
      .argParser(parseHistoryDepth);
  const vectorsOption = () =>
    new Option('--vectors', 'embed files, symbols, sessions and conventions for `related` (remembered for the workspace; needs a model: see README)');
  const noVectorsOption = () => new Option('--no-vectors', 'turn embeddings off for the workspace and remove its vectors');
  const modelOption = () =>
    new Option('--model <id>', "the embedding model (default $KG_EMBED_MODEL, else the stored vectors' model, else Xenova/all-MiniLM-L6-v2)").argParser(parseModelId);
  const workspaceOption = () =>
    new Option('-w, --workspace <dir>', 'the workspace (default: the nearest indexed folder from here up)');

  program
    .command('index')
    .description('index a workspace (code, symbols, imports, packages, CLI commands, routes, tests) into its graph')
    .argument('[dir]', 'the workspace folder', '.')
    .addOption(dbOption())
    .addOption(jsonOption())
    .option('--max-file-kb <n>', `skip (and report) files larger than this (at most ${MAX_FILE_KB}: 64 MiB)`, parseFileKb, 1024)
    .option('--data-dir <dir>', 'the agent data dir to read sessions from (default: $WORKRAIL_DATA_DIR, else ~/.workrail/data)')
    .addOption(historyDepthOption())
    .addOption(vectorsOption())
    .addOption(noVectorsOption())
    .addOption(modelOption())
    .action(async (dir: string, options) => (await import('./index-command.js')).indexCommand(io, dir, options));

  program
    .command('reindex')
    .description('bring the graph up to date: only what changed since the last index (git, else a file scan), or exactly --files')
    .option('--files <paths...>', 'exactly these files changed (added, modified or deleted)')
    .option('--session <id>', 'after an agent session: its record and the files it changed (else what git says changed)')
    .option('--data-dir <dir>', 'the agent data dir (default: $WORKRAIL_DATA_DIR, else ~/.workrail/data)')
    .addOption(historyDepthOption())
    .addOption(vectorsOption())
    .addOption(noVectorsOption())
    .addOption(modelOption())
    .addOption(workspaceOption())
    .addOption(dbOption())
    .addOption(jsonOption())
    .action(async (options) => (await import('./reindex-command.js')).reindexCommand(io, options));

  program
    .command('query')
    .description(`answer a question about the graph; KIND is one of: ${QUERY_KINDS.join(', ')}`)
    .argument('<kind>', 'what to ask')
    .argument('[args...]', 'the file(s), name or text the question is about')
    .option('--transitive', 'follow imports beyond direct neighbours')
    .option('--runtime', 'cycles: only the cycles that exist at run time (type-only imports left out)')
    .option('--depth <n>', `how many import hops to follow, 1 to ${MAX_DEPTH} (implies --transitive when > 1)`, wholeNumberIn(1, MAX_DEPTH))
    .option('--limit <n>', `most items to return, 1 to ${MAX_LIMIT} (default 50; co-changes 10, file-history 20; timeline at most ${TIMELINE_MAX_LIMIT})`, parseLimit)
    .option('--path <file>', 'conventions: the sections that apply to this file or folder')
    .option('--topic <text>', 'conventions: the sections about this topic')
    .option('--of <kinds>', 'related: which items, comma-separated: file, symbol, session, convention (default file)', parseRelatedKinds)
    .option('--signals <names>', `related: which signals rank files, comma-separated: ${RELATED_SIGNALS.join(', ')} (default all)`, parseRelatedSignals)
    .option('--base <ref>', 'diff-impact: compare from this git commit (default HEAD)')
    .option('--head <ref>', 'diff-impact: compare up to this git commit (default the working tree, staged and untracked files too)')
    .option('--offset <n>', `timeline: skip this many matching items, 0 to ${TIMELINE_MAX_OFFSET} (default 0)`, wholeNumberIn(0, TIMELINE_MAX_OFFSET))
    .option('--type <type>', `timeline: only ${TIMELINE_TYPES.join(' or ')} items`, parseTimelineType)
    .option('--status <status>', 'timeline: only items with this status (completed, in_progress, ...)')
    .option('--outcome <outcome>', 'timeline: only sessions with this outcome')
    .option('--branch <branch>', 'timeline: only sessions on this branch')
    .option('--workflow <id>', 'timeline: only sessions of this workflow id, or runs of this mode')
    .option('--text <text>', 'timeline: only items whose title, goal or id contains TEXT (any case)')
    .addOption(workspaceOption())
    .addOption(dbOption())
    .addOption(jsonOption())
    .addHelpText(
      'after',
      `
Examples:
  kg query importers src/graph/store.ts
  kg query dependencies src/cli/main.ts --transitive --depth 3
  kg query impact src/a.ts src/b.ts --json
  kg query symbol openGraph
  kg query cli-commands
  kg query routes /v1
  kg query cycles
  kg query cycles --runtime
  kg query hotspots --limit 10
  kg query recent-sessions --limit 5
  kg query files-touched SESSION_ID
  kg query sessions-touching src/api/handlers.ts
  kg query sessions-by-goal "retry webhook delivery"
  kg query conventions --path src/api/handlers.ts
  kg query conventions --topic testing
  kg query co-changes src/graph/store.ts
  kg query file-history src/graph/store.ts
  kg query diff-impact
  kg query diff-impact --base main
  kg query diff-impact --base v1.2.0 --head HEAD
  kg query related "retry webhook delivery when the endpoint times out"
  kg query related "rate limit" --of file,symbol,session
  kg query pipeline-run
  kg query pipeline-run RUN_ID
  kg query timeline --limit 20 --offset 40 --type session --status completed --branch main
  kg query session SESSION_ID`,
    )
    .action(async (kind: string, args: string[], options) => (await import('./query.js')).queryCommand(io, kind, args, options));

  program
    .command('export')
    .description('print the whole graph: JSON lines (default), one JSON document, or Parquet files')
    .addOption(new Option('--format <format>', 'output format').choices(['jsonl', 'json', 'parquet']).default('jsonl'))
    .option('--out <dir>', 'folder for --format parquet')
    .addOption(new Option('--json', 'the same as --format json').conflicts('format'))
    .addOption(workspaceOption())
    .addOption(dbOption())
    .action(async (options) => (await import('./export.js')).exportCommand(io, options.json ? { ...options, format: 'json' } : options));

  program
    .command('status')
    .description('show where the graph is, when it was indexed, what it holds and whether it is stale')
    .addOption(workspaceOption())
    .addOption(dbOption())
    .addOption(new Option('--all', 'every workspace indexed in KG_HOME, one line each (of a running kg serve, when there is one)').conflicts(['workspace', 'db']))
    .addOption(jsonOption())
    .action(async (options) => (await import('./status.js')).statusCommand(io, options));

  program
    .command('enrich')
    .description("the context a new session gets for a goal: convention sections, facts about the goal's files, prior sessions, git diff stat, within a token budget")
    .requiredOption('--goal <text>', 'what the session is about to do; file paths in it are looked up in the graph')
    .requiredOption('--budget-tokens <n>', 'the most (estimated) tokens the rendered section may take, 1 to 1000000', wholeNumberIn(1, 1_000_000))
    .option('--spawn-depth <n>', '0 for a root session; child sessions (> 0) get nothing unless --include-child-sessions', parseWholeNumber)
    .option('--include-child-sessions', 'enrich a child session (spawn depth > 0) too')
    .option('--coordinator-summary <text>', "a coordinator's summary of the work so far (suppresses prior session notes)")
    .option('--summary-file <file>', 'read the coordinator summary from a file (- for stdin)')
    .option('--deadline-ms <n>', 'deadline of each source (default 1000)', parsePositiveInt)
    .option('--session-id <id>', 'the session being started, recorded in the manifest')
    .option('--no-record', 'do not store the manifest with the graph')
    .addOption(workspaceOption())
    .addOption(jsonOption())
    .addHelpText('after', '\nExample:\n  kg enrich --workspace . --goal "fix retry in src/trigger/trigger-router.ts" --budget-tokens 2000')
    .action(async (options) => (await import('./enrich-command.js')).enrichCommand(io, options));

  const agent = program.command('agent').description('run an agent session with the graph as its context and tools');
  agent
    .command('run')
    .description('one session over the Messages API: the enricher\'s context as the system prompt, query_knowledge and workspace tools, recorded and reindexed after')
    .requiredOption('--goal <text>', 'what the session is to do (said once, as the first user message)')
    .option('--model <id>', 'the Messages API model (default $KG_AGENT_MODEL, else claude-sonnet-4-5)')
    .option('--max-turns <n>', 'most model calls (default 40)', parsePositiveInt)
    .option('--wall-clock <duration>', 'longest the session may run, e.g. 30m, 90s (default 30m)', parseDuration)
    .option('--stall-timeout <duration>', 'longest one model call may take before it is given up as stalled (default 120s)', parseDuration)
    .option('--max-output-tokens <n>', 'max_tokens of each model call (default 8192)', parsePositiveInt)
    .option('--max-retries <n>', 'retries of a call answered 429, 529 or 5xx, with backoff and retry-after (default 2)', parseWholeNumber)
    .option('--allow-write', 'offer edit_file and write_file (read-before-write; paths confined to the workspace)')
    .option('--allow-bash', 'offer bash (in the workspace, killed at --bash-timeout)')
    .option('--bash-timeout <duration>', 'longest a bash command may run (default 120s)', parseDuration)
    .option('--budget-tokens <n>', 'token budget of the context in the system prompt, 1 to 1000000 (default 4000)', wholeNumberIn(1, 1_000_000))
    .option('--data-dir <dir>', 'the agent data dir the session is recorded in (default: $WORKRAIL_DATA_DIR, else ~/.workrail/data)')
    .option('--parent <session-id>', 'the session that started this one (recorded as its parent)')
    .option('--coordinator-summary <text>', "a coordinator's summary of the work so far, given first in the context")
    .option('--summary-file <file>', 'read the coordinator summary from a file (- for stdin)')
    .option('--dry-run', 'print the system prompt, the tools and the manifest; no model call, no record')
    .addOption(workspaceOption())
    .addOption(jsonOption())
    .addHelpText('after', '\nNeeds ANTHROPIC_API_KEY (and honours ANTHROPIC_BASE_URL). Example:\n  kg agent run --goal "explain the retry logic in src/trigger/trigger-router.ts"')
    .action(async (options) => (await import('./agent-command.js')).agentRunCommand(io, options));

  const coordinate = program.command('coordinate').description('deterministic pipelines of agent sessions, their runs written to the graph');
  const coordinatorOptions = (command: Command) =>
    command
      .option('--model <id>', 'the Messages API model (default $KG_AGENT_MODEL, else claude-sonnet-4-5)')
      .option('--max-turns <n>', 'most model calls of each session, 1 to 500 (default 40)', wholeNumberIn(1, 500))
      .option('--phase-timeout <duration>', 'longest one phase\'s session may run, e.g. 10m (default 30m)', parseDuration)
      .option('--deadline <duration>', 'no session starts after this long from the start, e.g. 1h (default none)', parseDuration)
      .option('--budget-tokens <n>', 'token budget of each session\'s context, 100 to 200000 (default 4000; raised so the summary fits whole)', wholeNumberIn(100, 200_000))
      .option('--summary-bytes <n>', 'byte budget of the coordinator summary, 256 to 1048576: whole sections in priority order (default 8192)', wholeNumberIn(256, 1024 * 1024))
      .option('--data-dir <dir>', 'the agent data dir the sessions are recorded in (default: $WORKRAIL_DATA_DIR, else ~/.workrail/data)')
      .addOption(workspaceOption())
      .addOption(jsonOption());
  coordinatorOptions(
    coordinate
      .command('review')
      .description('review a change: its impact, prior sessions, conventions and related files as the summary of one review session; a typed verdict')
      .option('--base <ref>', 'the base commit (default HEAD)')
      .option('--head <ref>', 'the head commit (default: the working tree)'),
  )
    .addHelpText('after', '\nExits 1 unless the verdict is clean. Needs ANTHROPIC_API_KEY. Example:\n  kg coordinate review --base main')
    .action(async (options) => (await import('./coordinate-command.js')).coordinateReviewCommand(io, options));
  coordinatorOptions(
    coordinate
      .command('implement')
      .description('discovery, coding, review and at most 2 fix passes on a minor verdict; escalates on blocking, unknown or a failed phase')
      .requiredOption('--goal <text>', 'what to implement'),
  )
    .addHelpText('after', '\nExits 1 unless a review came back clean. Needs ANTHROPIC_API_KEY. Example:\n  kg coordinate implement --goal "make the retry delay grow exponentially"')
    .action(async (options) => (await import('./coordinate-command.js')).coordinateImplementCommand(io, options));

  const session = program.command('session').description("what agents did with the context they were given");
  session
    .command('analyze [id]')
    .description("per slot and item given to a session: cited in its first turn, later, or ignored; query_knowledge calls for what the slots held or lacked")
    .option('--all', 'every session of the workspace: per slot kind, the share of sessions citing it and the tokens spent on ignored items')
    .option('--data-dir <dir>', 'the agent data dir (default: $WORKRAIL_DATA_DIR, else ~/.workrail/data); daemon logs are read from its ../daemon-sessions')
    .addOption(workspaceOption())
    .addOption(jsonOption())
    .action(async (id: string | undefined, options) => (await import('./session-command.js')).sessionAnalyzeCommand(io, id, options));

  program
    .command('serve')
    .description('serve query_knowledge, enrich and reindex over HTTP (and MCP over streamable HTTP at /mcp)')
    .option('--host <address>', 'address to bind; anything but loopback needs --token', '127.0.0.1')
    .option('--port <n>', 'port to listen on (0: any free port)', parsePort, 7411)
    .option('--token <token>', 'require Authorization: Bearer <token> on every request (default: $KG_TOKEN)')
    .option('--max-body-kb <n>', 'largest request body', parsePositiveInt, 1024)
    .option('--allow-root <dir>', 'serve any workspace under this folder to any client (repeatable; default: only those indexed in KG_HOME)', collect, [])
    .option('--allow-host <name>', 'a host name clients may reach a non-loopback bind by (repeatable)', collect, [])
    .addOption(jsonOption())
    .action(async (options) => (await import('./serve-command.js')).serveCommand(io, options));

  program
    .command('mcp')
    .description('an MCP server on stdio with the query_knowledge and reindex tools (e.g. claude mcp add kg -- npx kg mcp)')
    // stdout carries the protocol: nothing else may be printed there.
    .action(async () => (await import('../mcp/stdio.js')).serveMcpOverStdio());

  return program;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/**
 * The largest --max-file-kb: 64 MiB, the bound of the HTTP API's `maxFileBytes` (src/tools.ts), so a file kg reads
 * whole into memory stays a file of source, not a data dump.
 */
const MAX_FILE_KB = 65_536;

/** The largest --history-depth, the bound of the HTTP API's `historyDepth` (MAX_HISTORY_DEPTH, indexers/git/indexer.ts). */
const MAX_HISTORY_DEPTH = 100_000;

function parseFileKb(value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1 || parsed > MAX_FILE_KB) {
    throw new InvalidArgumentError(`expected a whole number from 1 to ${MAX_FILE_KB} (64 MiB).`);
  }
  return parsed;
}

function parseRelatedKinds(value: string): (typeof RELATED_KINDS)[number][] {
  const kinds = value.split(',').map((kind) => kind.trim()).filter(Boolean);
  const unknown = kinds.filter((kind) => !(RELATED_KINDS as readonly string[]).includes(kind));
  if (kinds.length === 0 || unknown.length > 0) throw new InvalidArgumentError(`expected some of ${RELATED_KINDS.join(', ')}, comma-separated.`);
  return kinds as (typeof RELATED_KINDS)[number][];
}

function parseTimelineType(value: string): (typeof TIMELINE_TYPES)[number] {
  if (!(TIMELINE_TYPES as readonly string[]).includes(value)) throw new InvalidArgumentError(`expected ${TIMELINE_TYPES.join(' or ')}.`);
  return value as (typeof TIMELINE_TYPES)[number];
}

function parseRelatedSignals(value: string): (typeof RELATED_SIGNALS)[number][] {
  const signals = value.split(',').map((signal) => signal.trim()).filter(Boolean);
  const unknown = signals.filter((signal) => !(RELATED_SIGNALS as readonly string[]).includes(signal));
  if (signals.length === 0 || unknown.length > 0) throw new InvalidArgumentError(`expected some of ${RELATED_SIGNALS.join(', ')}, comma-separated.`);
  return signals as (typeof RELATED_SIGNALS)[number][];
}

function parseHistoryDepth(value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0 || parsed > MAX_HISTORY_DEPTH) {
    throw new InvalidArgumentError(`expected a whole number from 0 to ${MAX_HISTORY_DEPTH}.`);
  }
  return parsed;
}

function parseModelId(value: string): string {
  if (!isModelId(value)) throw new InvalidArgumentError('expected a model id: `name` or `owner/name` of letters, digits, `.`, `_` and `-`.');
  return value;
}

/** Commander's message as part of one line: without its `error:` prefix, its lines joined. */
function usageMessage(message: string): string {
  return message
    .replace(/^error: /, '')
    .replace(/ is invalid\. /, ' is invalid: ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .join(' ');
}

function parseWholeNumber(value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0) throw new InvalidArgumentError('expected a whole number (0 or more).');
  return parsed;
}

function parsePort(value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0 || parsed > 65535) throw new InvalidArgumentError('expected a port number (0 to 65535).');
  return parsed;
}

const DURATION_UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** `500ms`, `90s`, `30m`, `1h`; a bare number is seconds. In ms. */
function parseDuration(value: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(value.trim());
  const ms = match ? Number(match[1]) * DURATION_UNITS[match[2] ?? 's']! : NaN;
  if (!Number.isFinite(ms) || ms < 1 || ms > 24 * 3_600_000) throw new InvalidArgumentError('expected a duration from 1ms to 24h, e.g. 500ms, 90s, 30m, 1h.');
  return Math.round(ms);
}

function parseLimit(value: string): number {
  return wholeNumberIn(1, MAX_LIMIT)(value);
}

/** A parser of a whole number in [min, max] whose error says the range, as the schemas behind the flags do. */
function wholeNumberIn(min: number, max: number): (value: string) => number {
  return (value) => {
    const parsed = Number(value);
    if (!/^\d+$/.test(value.trim()) || parsed < min || parsed > max) throw new InvalidArgumentError(`expected a whole number from ${min} to ${max}.`);
    return parsed;
  };
}

function parsePositiveInt(value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1) throw new InvalidArgumentError('expected a positive whole number.');
  return parsed;
}
