// The workspace tools a model drives: what each answers, read-before-write, the bash timeout, and the attacks a
// model's arguments can make on the file system (each reproduced: none may read or write outside the workspace).

import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { globMatcher, workspaceTools } from '../../src/agent/file-tools.js';
import { tempDir } from '../support/temp.js';

let root: string;
let outside: string;

beforeEach(() => {
  const dir = tempDir('kg-tools-');
  root = join(dir, `ws-${Math.random().toString(36).slice(2, 8)}`);
  outside = join(dir, 'outside');
  mkdirSync(join(root, 'src'), { recursive: true });
  mkdirSync(outside, { recursive: true });
  writeFileSync(join(root, 'src/a.ts'), Array.from({ length: 10 }, (_, k) => `export const line${k + 1} = ${k + 1};`).join('\n') + '\n');
  writeFileSync(join(root, 'src/b.ts'), "import { line1 } from './a.js';\nexport const twice = line1 + line1;\n");
  writeFileSync(join(root, 'logo.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 1]));
  writeFileSync(join(root, '.gitignore'), 'dist/\n');
  mkdirSync(join(root, 'dist'));
  writeFileSync(join(root, 'dist/a.js'), 'built\n');
  writeFileSync(join(outside, 'secret.txt'), 'TOP-SECRET\n');
});

function tools(allow: { write?: boolean; bash?: boolean; bashTimeoutMs?: number } = {}) {
  const made = workspaceTools({ root, allowWrite: Boolean(allow.write), allowBash: Boolean(allow.bash), bashTimeoutMs: allow.bashTimeoutMs ?? 10_000 });
  const call = async (name: string, input: unknown) => {
    const tool = made.tools.find((t) => t.name === name);
    if (!tool) throw new Error(`no tool ${name}`);
    return tool.run(input, new AbortController().signal);
  };
  return { call, names: made.tools.map((t) => t.name), writtenPaths: made.writtenPaths };
}

describe('reading', () => {
  it('read_file pages with line numbers and says how to go on; refuses binaries and folders', async () => {
    const { call } = tools();
    const page = await call('read_file', { path: 'src/a.ts', offset: 3, limit: 2 });
    expect(page).toEqual({ ok: true, content: '3\texport const line3 = 3;\n4\texport const line4 = 4;\n(lines 3-4 of 10; call again with offset 5)' });
    expect(await call('read_file', { path: 'logo.png' })).toEqual({ ok: false, content: 'path: logo.png is a binary file' });
    expect((await call('read_file', { path: 'src' })).content).toBe('path: src is a folder (use list_files)');
    expect((await call('read_file', { path: 'src/none.ts' })).content).toBe('path: no file src/none.ts');
    expect((await call('read_file', { offset: 1 })).content).toMatch(/^path: /);
  });

  it('list_files matches globs and skips what .gitignore ignores; grep finds lines and rejects a bad pattern', async () => {
    const { call } = tools();
    expect((await call('list_files', {})).content).toBe('.gitignore\nlogo.png\nsrc/a.ts\nsrc/b.ts');
    expect((await call('list_files', { pattern: 'src/**/*.{ts,tsx}' })).content).toBe('src/a.ts\nsrc/b.ts');
    expect((await call('list_files', { pattern: 'b.ts' })).content).toBe('src/b.ts');
    expect((await call('grep', { pattern: 'line1\\b', glob: '*.ts' })).content).toBe(
      "src/a.ts:1: export const line1 = 1;\nsrc/b.ts:1: import { line1 } from './a.js';\nsrc/b.ts:2: export const twice = line1 + line1;",
    );
    expect((await call('grep', { pattern: '(' })).content).toMatch(/^pattern: invalid regular expression: /);
    expect(globMatcher('**/*.ts')('a.ts')).toBe(true);
    expect(globMatcher('src/*.ts')('src/x/a.ts')).toBe(false);
  });
});

describe('writing', () => {
  it('offers write tools only with --allow-write, and bash only with --allow-bash', () => {
    expect(tools().names).toEqual(['read_file', 'list_files', 'grep']);
    expect(tools({ write: true, bash: true }).names).toEqual(['read_file', 'list_files', 'grep', 'write_file', 'edit_file', 'bash']);
  });

  it('writes an existing file only after reading it, and not once it changed since', async () => {
    const { call, writtenPaths } = tools({ write: true });
    expect((await call('edit_file', { path: 'src/a.ts', oldText: 'line1 = 1', newText: 'line1 = 100' })).content).toBe('path: src/a.ts exists: read it (read_file) before you change it');
    await call('read_file', { path: 'src/a.ts' });
    expect(await call('edit_file', { path: 'src/a.ts', oldText: 'line1 = 1;', newText: 'line1 = 100;' })).toMatchObject({ ok: true });
    // Its own edit is what it read now: a second edit goes through.
    expect(await call('edit_file', { path: 'src/a.ts', oldText: 'line2 = 2;', newText: 'line2 = 200;' })).toMatchObject({ ok: true });
    expect(readFileSync(join(root, 'src/a.ts'), 'utf8')).toMatch(/line1 = 100;\nexport const line2 = 200;/);
    writeFileSync(join(root, 'src/a.ts'), 'changed by someone else\n');
    expect((await call('write_file', { path: 'src/a.ts', content: 'mine\n' })).content).toBe('path: src/a.ts changed since it was read: read it again');
    expect(readFileSync(join(root, 'src/a.ts'), 'utf8')).toBe('changed by someone else\n');
    await call('read_file', { path: 'src/b.ts' });
    expect((await call('edit_file', { path: 'src/b.ts', oldText: 'line1', newText: 'x' })).content).toBe('oldText: occurs 3 times in src/b.ts: give more context, or set replaceAll');
    expect(await call('write_file', { path: 'src/new/c.ts', content: 'export {};\n' })).toMatchObject({ ok: true });
    expect((await call('write_file', { path: '.git/hooks/pre-commit', content: 'evil' })).content).toBe('path: .git/hooks/pre-commit is inside .git: not written');
    expect(writtenPaths()).toEqual(['src/a.ts', 'src/new/c.ts']);
  });
});

describe('attacks through tool arguments', () => {
  it('never reads or writes outside the workspace: .., absolute paths, NUL, links to files and folders outside', async () => {
    symlinkSync(join(outside, 'secret.txt'), join(root, 'src/link.txt'));
    symlinkSync(outside, join(root, 'src/out'));
    const { call } = tools({ write: true });
    const refused = [
      await call('read_file', { path: '../outside/secret.txt' }),
      await call('read_file', { path: join(outside, 'secret.txt') }),
      await call('read_file', { path: 'src/link.txt' }),
      await call('read_file', { path: 'src/out/secret.txt' }),
      await call('read_file', { path: 'src/a.ts\0../../x' }),
      await call('write_file', { path: 'src/link.txt', content: 'owned' }),
      await call('write_file', { path: 'src/out/new.txt', content: 'owned' }),
      await call('write_file', { path: '../outside/new.txt', content: 'owned' }),
      await call('list_files', { path: 'src/out' }),
      await call('grep', { pattern: 'SECRET', path: 'src/out' }),
    ];
    for (const result of refused) {
      expect(result.ok).toBe(false);
      expect(result.content).toMatch(/outside the workspace|NUL/);
    }
    expect(readFileSync(join(outside, 'secret.txt'), 'utf8')).toBe('TOP-SECRET\n');
    // Walking the workspace does not follow the links either.
    expect((await call('list_files', {})).content).not.toContain('secret');
    expect((await call('grep', { pattern: 'SECRET' })).content).toBe('(no matches)');
  });
});

describe('bash', () => {
  it('runs in the workspace and reports the exit code; the whole process group dies at the timeout', async () => {
    const { call } = tools({ bash: true, bashTimeoutMs: 400 });
    expect(await call('bash', { command: 'pwd; exit 3' })).toEqual({ ok: false, content: `${root}\nexit code 3` });
    const slow = await call('bash', { command: 'sleep 30 & echo $!; sleep 30' });
    expect(slow.ok).toBe(false);
    expect(slow.content).toMatch(/timed out after 0\.4 s \(killed\)$/);
    const background = Number(slow.content.split('\n')[0]);
    // Gone, or a zombie left for init to reap: either way no longer running.
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(processState(background)).toMatch(/^(gone|Z)$/);
    const loud = await call('bash', { command: 'head -c 200000 /dev/zero | tr "\\0" x' });
    expect(loud.content).toMatch(/\[\.\.\. 134464 bytes cut \.\.\.\]/);
    expect(loud.content.length).toBeLessThan(70_000);
  });
});

function processState(pid: number): string {
  if (!existsSync(`/proc/${pid}/stat`)) return 'gone';
  return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.charAt(0);
}
