// The workspace tools an agent session offers a model: read_file, list_files and grep always; write_file and
// edit_file with --allow-write (read before write, refused when the file changed since it was read); bash with
// --allow-bash (killed at its timeout). Every path is the model's word, so it is confined to the workspace by real
// path: one that leaves it (`..`, absolute elsewhere, a link out) is a tool error, never followed.

import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, realpathSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import ignore, { type Ignore } from 'ignore';
import { z } from 'zod';
import { isInside, lexicalWorkspacePath, readConfined } from '../../indexers/confine.js';
import { parseWith, toolInputSchema } from '../tools.js';
import type { LoopTool, ToolOutcome } from './loop.js';

export interface WorkspaceToolOptions {
  root: string;
  allowWrite: boolean;
  allowBash: boolean;
  bashTimeoutMs: number;
}

export interface WorkspaceTools {
  tools: LoopTool[];
  /** Workspace-relative paths write_file and edit_file changed, sorted. */
  writtenPaths(): string[];
}

const MAX_PATH_CHARS = 4096;
const MAX_READ_BYTES = 4 * 1024 * 1024;
const DEFAULT_READ_LINES = 400;
const MAX_READ_LINES = 2000;
const MAX_LINE_CHARS = 2000;
const MAX_LIST = 1000;
const MAX_GREP_MATCHES = 200;
const MAX_GREP_LINE = 300;
const MAX_WRITE_BYTES = 1024 * 1024;
const MAX_BASH_OUTPUT = 64 * 1024;
const SKIPPED_DIRS = new Set(['.git', 'node_modules']);

const path = z.string().min(1).max(MAX_PATH_CHARS).describe('Workspace-relative path (or absolute inside the workspace).');
const readInput = z.object({
  path,
  offset: z.number().int().min(1).optional().describe('First line to show, 1-based (default 1).'),
  limit: z.number().int().min(1).max(MAX_READ_LINES).optional().describe(`Lines to show (default ${DEFAULT_READ_LINES}).`),
});
const listInput = z.object({
  pattern: z.string().min(1).max(500).optional().describe('Glob of the files to list: `*`, `**`, `?`, `{a,b}`; without a `/` it matches file names at any depth (default all).'),
  path: path.optional().describe('Folder to list under (default the workspace).'),
});
const grepInput = z.object({
  pattern: z.string().min(1).max(500).describe('A JavaScript regular expression.'),
  path: path.optional().describe('Folder or file to search (default the workspace).'),
  glob: z.string().min(1).max(500).optional().describe('Only files matching this glob.'),
  ignoreCase: z.boolean().optional(),
});
const writeInput = z.object({ path, content: z.string().max(MAX_WRITE_BYTES).describe('The whole new content of the file.') });
const editInput = z.object({
  path,
  oldText: z.string().min(1).max(MAX_WRITE_BYTES).describe('Text to replace: it must occur exactly once unless replaceAll.'),
  newText: z.string().max(MAX_WRITE_BYTES),
  replaceAll: z.boolean().optional(),
});
const bashInput = z.object({ command: z.string().min(1).max(10_000).describe('Run with bash -c in the workspace folder.') });

type Resolved = { ok: true; abs: string; rel: string } | { ok: false; message: string };

export function workspaceTools(options: WorkspaceToolOptions): WorkspaceTools {
  const root = realpathSync(options.root);
  // What read_file saw of each file: the hash a write must still find on disk.
  const seen = new Map<string, string>();
  const written = new Set<string>();
  const ignored = gitignoreOf(root);

  const resolve = (given: string, label = 'path'): Resolved => {
    if (given.includes('\0')) return { ok: false, message: `${label}: contains a NUL byte` };
    const rel = given === '.' || given === '' ? '' : (lexicalWorkspacePath(root, given) ?? lexicalWorkspacePath(options.root, given));
    if (rel === null) return { ok: false, message: `${label}: ${given.slice(0, 200)} is outside the workspace` };
    const abs = rel === '' ? root : join(root, rel);
    // The real path of what exists, else of its nearest existing folder: a link anywhere on the way is followed
    // here, and must land inside.
    let probe = abs;
    while (!existsSync(probe) && !isSymlink(probe)) probe = dirname(probe);
    let real: string;
    try {
      real = realpathSync(probe);
    } catch {
      return { ok: false, message: `${label}: ${rel} leads outside the workspace` };
    }
    if (!isInside(root, real)) return { ok: false, message: `${label}: ${rel} leads outside the workspace` };
    return { ok: true, abs, rel };
  };

  const tools: LoopTool[] = [
    tool('read_file', 'Read a text file of the workspace, with line numbers, a page at a time (offset and limit in lines).', readInput, (input) => {
      const target = resolve(input.path);
      if (!target.ok) return fail(target.message);
      if (isDirectory(target.abs)) return fail(`path: ${target.rel} is a folder (use list_files)`);
      const read = readConfined(root, target.abs, MAX_READ_BYTES);
      if (!read.ok) {
        if (read.reason === 'too_large') return fail(`path: ${target.rel} is over ${MAX_READ_BYTES / 1024 / 1024} MiB; use grep to find what you need in it`);
        return fail(read.reason === 'outside' ? `path: ${target.rel} leads outside the workspace` : `path: no file ${target.rel}`);
      }
      if (read.bytes.subarray(0, 8192).includes(0)) return fail(`path: ${target.rel} is a binary file`);
      seen.set(target.rel, sha256(read.bytes));
      const lines = read.bytes.toString('utf8').split('\n');
      if (lines.at(-1) === '') lines.pop();
      const first = input.offset ?? 1;
      const count = input.limit ?? DEFAULT_READ_LINES;
      if (lines.length > 0 && first > lines.length) return fail(`offset: ${target.rel} has ${lines.length} line(s)`);
      const shown = lines.slice(first - 1, first - 1 + count);
      const width = String(first + shown.length - 1).length;
      const body = shown.map((line, k) => `${String(first + k).padStart(width)}\t${line.length > MAX_LINE_CHARS ? `${line.slice(0, MAX_LINE_CHARS)} [line cut]` : line}`).join('\n');
      const last = first + shown.length - 1;
      const more = last < lines.length ? `\n(lines ${first}-${last} of ${lines.length}; call again with offset ${last + 1})` : '';
      return ok(lines.length === 0 ? `(${target.rel} is empty)` : `${body}${more}`);
    }),
    tool('list_files', 'List the files of the workspace (or a folder of it) matching a glob, skipping .git, node_modules and what .gitignore ignores.', listInput, (input) => {
      const base = resolve(input.path ?? '.');
      if (!base.ok) return fail(base.message);
      if (!isDirectory(base.abs)) return fail(`path: ${base.rel} is not a folder`);
      const match = input.pattern ? globMatcher(input.pattern) : () => true;
      const found: string[] = [];
      let more = 0;
      for (const rel of walk(root, base.rel, ignored)) {
        if (!match(rel)) continue;
        if (found.length < MAX_LIST) found.push(rel);
        else more++;
      }
      if (found.length === 0) return ok('(no files match)');
      return ok(`${found.join('\n')}${more > 0 ? `\n(${more} more not shown: narrow the pattern or the path)` : ''}`);
    }),
    tool('grep', 'Search the text files of the workspace for a regular expression; answers `path:line: text`.', grepInput, (input) => {
      let regex: RegExp;
      try {
        regex = new RegExp(input.pattern, input.ignoreCase ? 'i' : '');
      } catch (error) {
        return fail(`pattern: invalid regular expression: ${(error as Error).message}`);
      }
      const base = resolve(input.path ?? '.');
      if (!base.ok) return fail(base.message);
      const match = input.glob ? globMatcher(input.glob) : () => true;
      const candidates = isDirectory(base.abs) ? walk(root, base.rel, ignored) : [base.rel];
      const hits: string[] = [];
      let more = 0;
      for (const rel of candidates) {
        if (!match(rel)) continue;
        const read = readConfined(root, join(root, rel), MAX_READ_BYTES);
        if (!read.ok || read.bytes.subarray(0, 8192).includes(0)) continue;
        const lines = read.bytes.toString('utf8').split('\n');
        for (let k = 0; k < lines.length; k++) {
          if (!regex.test(lines[k]!)) continue;
          if (hits.length >= MAX_GREP_MATCHES) {
            more++;
            continue;
          }
          const line = lines[k]!.trim();
          hits.push(`${rel}:${k + 1}: ${line.length > MAX_GREP_LINE ? `${line.slice(0, MAX_GREP_LINE)}...` : line}`);
        }
      }
      if (hits.length === 0) return ok('(no matches)');
      return ok(`${hits.join('\n')}${more > 0 ? `\n(${more} more matches not shown: narrow the pattern, path or glob)` : ''}`);
    }),
  ];

  if (options.allowWrite) {
    const writeChecked = (target: { abs: string; rel: string }, content: string): ToolOutcome => {
      if (target.rel === '.git' || target.rel.startsWith('.git/')) return fail(`path: ${target.rel} is inside .git: not written`);
      const exists = existsSync(target.abs);
      if (exists) {
        if (isDirectory(target.abs)) return fail(`path: ${target.rel} is a folder`);
        const before = seen.get(target.rel);
        if (before === undefined) return fail(`path: ${target.rel} exists: read it (read_file) before you change it`);
        if (before !== sha256(readFileSync(target.abs))) return fail(`path: ${target.rel} changed since it was read: read it again`);
      }
      mkdirSync(dirname(target.abs), { recursive: true });
      const mode = exists ? statSync(target.abs).mode & 0o777 : 0o644;
      // A temp file beside it, renamed over it: never a half-written file.
      const temp = `${target.abs}.kg-${process.pid}.tmp`;
      writeFileSync(temp, content, { mode });
      renameSync(temp, target.abs);
      seen.set(target.rel, sha256(Buffer.from(content, 'utf8')));
      written.add(target.rel);
      return ok(`${exists ? 'wrote' : 'created'} ${target.rel} (${Buffer.byteLength(content, 'utf8')} bytes)`);
    };
    tools.push(
      tool('write_file', 'Write a whole file (create it, or replace one you read with read_file since it last changed).', writeInput, (input) => {
        const target = resolve(input.path);
        return target.ok ? writeChecked(target, input.content) : fail(target.message);
      }),
      tool('edit_file', 'Replace text in a file you read with read_file: oldText must occur exactly once (or set replaceAll).', editInput, (input) => {
        const target = resolve(input.path);
        if (!target.ok) return fail(target.message);
        if (!existsSync(target.abs)) return fail(`path: no file ${target.rel} (use write_file to create it)`);
        const read = readConfined(root, target.abs, MAX_READ_BYTES);
        if (!read.ok) return fail(`path: cannot read ${target.rel}`);
        const text = read.bytes.toString('utf8');
        const count = text.split(input.oldText).length - 1;
        if (count === 0) return fail(`oldText: not found in ${target.rel}`);
        if (count > 1 && !input.replaceAll) return fail(`oldText: occurs ${count} times in ${target.rel}: give more context, or set replaceAll`);
        return writeChecked(target, input.replaceAll ? text.split(input.oldText).join(input.newText) : text.replace(input.oldText, () => input.newText));
      }),
    );
  }
  if (options.allowBash) {
    tools.push({
      name: 'bash',
      description: `Run a shell command with bash -c in the workspace folder; killed after ${Math.round(options.bashTimeoutMs / 1000)} s. Output is cut at 64 KB.`,
      inputSchema: toolInputSchema(bashInput),
      run: async (raw, signal) => {
        const parsed = parseWith(bashInput, raw);
        return parsed.ok ? runBash(root, parsed.value.command, options.bashTimeoutMs, signal) : fail(parsed.message);
      },
    });
  }
  return { tools, writtenPaths: () => [...written].sort() };
}

function tool<T>(name: string, description: string, schema: z.ZodType<T>, run: (input: T) => ToolOutcome): LoopTool {
  return {
    name,
    description,
    inputSchema: toolInputSchema(schema),
    run: (raw) => {
      const parsed = parseWith(schema, raw);
      return Promise.resolve(parsed.ok ? run(parsed.value) : fail(parsed.message));
    },
  };
}

function ok(content: string): ToolOutcome {
  return { ok: true, content };
}

function fail(content: string): ToolOutcome {
  return { ok: false, content };
}

function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function isDirectory(abs: string): boolean {
  try {
    return statSync(abs).isDirectory();
  } catch {
    return false;
  }
}

function isSymlink(abs: string): boolean {
  try {
    return lstatSync(abs).isSymbolicLink();
  } catch {
    return false;
  }
}

function gitignoreOf(root: string): Ignore {
  const rules = ignore();
  try {
    rules.add(readFileSync(join(root, '.gitignore'), 'utf8'));
  } catch {
    // No .gitignore: nothing more is skipped.
  }
  return rules;
}

/** The files under `from` (workspace-relative), sorted, links never followed out: a linked folder is not entered. */
function* walk(root: string, from: string, ignored: Ignore): Generator<string> {
  const stack = [from];
  while (stack.length > 0) {
    const dir = stack.pop()!;
    let entries;
    try {
      entries = readdirSync(dir === '' ? root : join(root, dir), { withFileTypes: true });
    } catch {
      continue;
    }
    const folders: string[] = [];
    for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const rel = dir === '' ? entry.name : `${dir}/${entry.name}`;
      if (entry.isDirectory()) {
        if (SKIPPED_DIRS.has(entry.name) || ignored.ignores(`${rel}/`)) continue;
        folders.push(rel);
      } else if (entry.isFile() || (entry.isSymbolicLink() && linkedFileInside(root, rel))) {
        if (!ignored.ignores(rel)) yield rel;
      }
    }
    stack.push(...folders.reverse());
  }
}

function linkedFileInside(root: string, rel: string): boolean {
  try {
    const real = realpathSync(join(root, rel));
    return isInside(root, real) && statSync(real).isFile();
  } catch {
    return false;
  }
}

/** A glob as a test of workspace-relative paths; without a `/` it tests the file name. */
export function globMatcher(glob: string): (path: string) => boolean {
  let source = '';
  let depth = 0;
  for (let k = 0; k < glob.length; k++) {
    const c = glob[k]!;
    if (c === '*' && glob[k + 1] === '*') {
      const slash = glob[k + 2] === '/';
      source += slash ? '(?:.*/)?' : '.*';
      k += slash ? 2 : 1;
    } else if (c === '*') source += '[^/]*';
    else if (c === '?') source += '[^/]';
    else if (c === '{') {
      source += '(?:';
      depth++;
    } else if (c === '}' && depth > 0) {
      source += ')';
      depth--;
    } else if (c === ',' && depth > 0) source += '|';
    else source += c.replace(/[.+^$()|[\]\\]/g, '\\$&');
  }
  source += ')'.repeat(depth);
  const regex = new RegExp(`^${source}$`);
  return glob.includes('/') ? (path) => regex.test(path) : (path) => regex.test(path.slice(path.lastIndexOf('/') + 1));
}

/** bash -c in its own process group: the whole group is killed at the timeout or the session's end. */
function runBash(root: string, command: string, timeoutMs: number, signal: AbortSignal): Promise<ToolOutcome> {
  return new Promise((resolve) => {
    const { ANTHROPIC_API_KEY: _key, ...env } = process.env;
    const child = spawn('bash', ['-c', command], { cwd: root, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    // The head and the tail are what tells: the middle goes past the bound.
    const half = MAX_BASH_OUTPUT / 2;
    let head = Buffer.alloc(0);
    let tail = Buffer.alloc(0);
    let total = 0;
    const keep = (chunk: Buffer) => {
      total += chunk.length;
      if (head.length < half) {
        const taken = chunk.subarray(0, half - head.length);
        head = Buffer.concat([head, taken]);
        chunk = chunk.subarray(taken.length);
      }
      if (chunk.length > 0) {
        tail = Buffer.concat([tail, chunk]);
        if (tail.length > half) tail = tail.subarray(tail.length - half);
      }
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    let killedFor: string | null = null;
    const killGroup = (why: string | null) => {
      if (why !== null && killedFor === null) killedFor = why;
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // Already gone.
      }
    };
    const timer = setTimeout(() => killGroup(`timed out after ${Math.round(timeoutMs / 100) / 10} s (killed)`), timeoutMs);
    const onAbort = () => killGroup('stopped: the session ended (killed)');
    signal.addEventListener('abort', onAbort, { once: true });
    // Whatever it left running in the background goes with it, so its pipes close.
    child.on('exit', () => killGroup(null));
    child.on('error', (error) => {
      clearTimeout(timer);
      resolve(fail(`bash: cannot run: ${error.message}`));
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      const cut = total - head.length - tail.length;
      const output = cut > 0 ? `${head.toString('utf8')}\n[... ${cut} bytes cut ...]\n${tail.toString('utf8')}` : Buffer.concat([head, tail]).toString('utf8');
      const end = killedFor ?? `exit code ${code ?? 'none'}`;
      resolve({ ok: killedFor === null && code === 0, content: `${output}${output.endsWith('\n') || output === '' ? '' : '\n'}${end}` });
    });
  });
}
