// The vector layer through the real `kg` command: with vectors off, no command loads LanceDB, transformers.js or
// onnxruntime (a module hook in the child process records every module it resolves, and shows it does with vectors
// on); `--vectors` with the generated test model embeds and `kg status` says where the vectors are; bad input to the
// vector options is one line and exit 2.

import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { GitRepo } from '../support/git-repo.js';
import { kgRunner, type KgResult } from '../support/kg-process.js';
import { tempDir } from '../support/temp.js';
import { writeTestModel } from '../support/test-model.js';

const VECTOR_MODULES = /lancedb|apache-arrow|@huggingface|onnxruntime/;

let dir: string;
let repo: GitRepo;
let kg: ReturnType<typeof kgRunner>;
let modelEnv: Record<string, string>;
let hookLog: string;
let hookEnv: Record<string, string>;

beforeAll(() => {
  dir = tempDir('kg-vectors-cli-');
  kg = kgRunner(join(dir, 'kg-home'));
  repo = new GitRepo(join(dir, 'ws'));
  repo.commit({
    subject: 'feat: files',
    write: {
      'src/net/dispatch.ts': '/** Answers each incoming request by its route. */\nexport function dispatchRequest(url: string): string { return url; }\n',
      'src/store/rows.ts': '/** Reads rows of a database table. */\nexport function readRows(): string[] { return []; }\n',
    },
  });
  const model = writeTestModel(join(dir, 'models'));
  modelEnv = { KG_MODEL_DIR: model.modelDir, KG_EMBED_MODEL: model.model, WORKRAIL_DATA_DIR: join(dir, 'no-data') };
  // The hook runs in the loader thread of the child: it appends each resolved specifier to the log.
  hookLog = join(dir, 'resolved.log');
  const hooks = join(dir, 'hooks');
  mkdirSync(hooks);
  writeFileSync(
    join(hooks, 'resolve.mjs'),
    `import { appendFileSync } from 'node:fs';\n` +
      `export async function resolve(specifier, context, next) { appendFileSync(${JSON.stringify(hookLog)}, specifier + '\\n'); return next(specifier, context); }\n`,
  );
  writeFileSync(join(hooks, 'register.mjs'), `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(join(hooks, 'resolve.mjs')).href)});\n`);
  hookEnv = { NODE_OPTIONS: `--import ${pathToFileURL(join(hooks, 'register.mjs')).href}` };
});

function resolvedSince(run: () => Promise<KgResult>): Promise<{ result: KgResult; modules: string[] }> {
  writeFileSync(hookLog, '');
  return run().then((result) => ({ result, modules: readFileSync(hookLog, 'utf8').split('\n').filter(Boolean) }));
}

describe('with vectors off', () => {
  it('index, query related and status never load the vector modules, and leave no vector files', async () => {
    const env = { ...modelEnv, ...hookEnv };
    for (const args of [['index', repo.dir], ['query', 'related', 'request route', '-w', repo.dir], ['status', '-w', repo.dir]]) {
      const { result, modules } = await resolvedSince(() => kg(args, { env }));
      expect(result.code, result.stderr).toBe(0);
      expect(modules.length, 'the hook saw the modules kg loaded').toBeGreaterThan(10);
      expect(modules.filter((m) => VECTOR_MODULES.test(m)), args.join(' ')).toEqual([]);
    }
    const status = await kg(['status', '-w', repo.dir, '--json'], { env: modelEnv });
    const parsed = JSON.parse(status.stdout) as { db: string; vectors: { state: string } };
    expect(parsed.vectors.state).toBe('off');
    expect(existsSync(join(parsed.db, '..', 'vectors'))).toBe(false);
  });
});

describe('with vectors on', () => {
  it('--vectors embeds with the model, loads the vector modules, and status says where the vectors are', async () => {
    const { result, modules } = await resolvedSince(() => kg(['index', repo.dir, '--vectors', '--json'], { env: { ...modelEnv, ...hookEnv } }));
    expect(result.code, result.stderr).toBe(0);
    expect(modules.some((m) => m.includes('lancedb'))).toBe(true);
    const report = JSON.parse(result.stdout) as { vectors: { state: string; embedded: number; model: string } };
    expect(report.vectors).toMatchObject({ state: 'synced', model: 'kg-test/static-32' });
    expect(report.vectors.embedded).toBeGreaterThan(0);
    const status = await kg(['status', '-w', repo.dir], { env: modelEnv });
    expect(status.stdout).toMatch(/vectors: +current: \d+ of kg-test\/static-32 \(32-d\) in .*vectors/);
    const related = await kg(['query', 'related', 'middleware endpoint', '-w', repo.dir, '--json'], { env: modelEnv });
    expect(related.code, related.stderr).toBe(0);
    expect(JSON.parse(related.stdout)).toMatchObject({ mode: 'hybrid', vectors: { state: 'used' } });
    const lexical = await kg(['query', 'related', 'middleware endpoint', '--signals', 'text,commits', '-w', repo.dir, '--json'], { env: modelEnv });
    expect(JSON.parse(lexical.stdout)).toMatchObject({ mode: 'lexical', signals: ['text', 'commits'] });
  });
});

describe('bad input', () => {
  it('is one line and exit 2: an unknown --of kind or signal, empty text, a model id that climbs out of the model folder', async () => {
    for (const args of [
      ['query', 'related', 'x', '--of', 'files,vibes', '-w', repo.dir],
      ['query', 'related', 'x', '--signals', 'text,vibes', '-w', repo.dir],
      ['query', 'related', '   ', '-w', repo.dir],
      ['index', repo.dir, '--model', '../../etc'],
    ]) {
      const result = await kg(args, { env: modelEnv });
      expect(result.code, `${args.join(' ')}: ${result.stderr}`).toBe(2);
      expect(result.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
      expect(result.stderr).toMatch(/^kg: /);
    }
  });
});
