// The layer rules in .dependency-cruiser.cjs bite: a tree that breaks each of them is cruised with the repository's
// own rule file and every break is reported under its rule's name (`npm run boundaries` runs the same rules on the
// real tree in `npm test`).

import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { writeWorkspace } from '../fixtures/workspace.js';
import { tempDir } from '../support/temp.js';

const REPO = join(import.meta.dirname, '..', '..');
const run = promisify(execFile);

interface Cruise {
  summary: { violations: { from: string; to: string; rule: { name: string } }[] };
}

async function cruise(root: string): Promise<Cruise> {
  const bin = join(REPO, 'node_modules', 'dependency-cruiser', 'bin', 'dependency-cruise.mjs');
  const args = [bin, '--config', join(REPO, '.dependency-cruiser.cjs'), '--output-type', 'json', 'graph', 'indexers', 'queries', 'src'];
  // depcruise exits non-zero when it finds violations; the report is on stdout either way.
  const { stdout } = await run(process.execPath, args, { cwd: root, maxBuffer: 64 * 1024 * 1024 }).catch((error: { stdout: string }) => ({ stdout: error.stdout }));
  return JSON.parse(stdout) as Cruise;
}

describe('the layer rules', () => {
  it('report every break of the layering, under the rule it breaks, and allow what the layering allows', async () => {
    const root = writeWorkspace(tempDir('kg-boundaries-'), {
      'tsconfig.json': JSON.stringify({ compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext', strict: true } }),
      'package.json': JSON.stringify({ type: 'module' }),
      'graph/store.ts': "import { q } from '../queries/q.js';\nexport const store = q;\n",
      'graph/schema.ts': 'export const SCHEMA = 1;\n',
      'indexers/code.ts': "import { q } from '../queries/q.js';\nimport { SCHEMA } from '../graph/schema.js';\nexport const code = q + SCHEMA;\n",
      'queries/q.ts': "import { code } from '../indexers/code.js';\nexport const q = 1;\nexport const c = code;\n",
      'src/cli/query.ts': "import { store } from '../../graph/store.js';\nexport const cli = store;\n",
      'src/server/app.ts': "import type { store } from '../../graph/store.js';\nexport type App = typeof store;\n",
      'src/api.ts': "import { store } from '../graph/store.js';\nimport { fixture } from '../tests/fixture.js';\nexport const api = [store, fixture];\n",
      // The console: types of the query layer and kg's errors, nothing that runs it.
      'graph/errors.ts': 'export class KgError extends Error {}\n',
      'src/console/page.ts': "import { q } from '../../queries/q.js';\nimport type { code } from '../../indexers/code.js';\nimport { KgError } from '../../graph/errors.js';\nexport const page = [q, KgError];\nexport type C = typeof code;\n",
      'src/mcp/missing.ts': "import { gone } from './gone.js';\nexport const m = gone;\n",
      'tests/fixture.ts': 'export const fixture = 1;\n',
      // The vector packages: allowed in the vector store and the embedder, nowhere else.
      'node_modules/@lancedb/lancedb/package.json': JSON.stringify({ name: '@lancedb/lancedb', main: 'index.js' }),
      'node_modules/@lancedb/lancedb/index.js': 'export const connect = 1;\n',
      'node_modules/@huggingface/transformers/package.json': JSON.stringify({ name: '@huggingface/transformers', main: 'index.js' }),
      'node_modules/@huggingface/transformers/index.js': 'export const pipeline = 1;\n',
      'graph/vector-store.ts': "export const load = () => import('@lancedb/lancedb');\n",
      'indexers/embeddings/worker.ts': "export const load = () => import('@huggingface/transformers');\n",
      'queries/near.ts': "import { connect } from '@lancedb/lancedb';\nexport const near = connect;\n",
      'src/embed.ts': "import { pipeline } from '@huggingface/transformers';\nexport const embed = pipeline;\n",
      // The model client: in the agent runner only.
      'node_modules/@anthropic-ai/sdk/package.json': JSON.stringify({ name: '@anthropic-ai/sdk', main: 'index.js' }),
      'node_modules/@anthropic-ai/sdk/index.js': 'export default class Anthropic {}\n',
      'src/agent/loop.ts': "import Anthropic from '@anthropic-ai/sdk';\nexport const client = Anthropic;\n",
      'src/server/model.ts': "import Anthropic from '@anthropic-ai/sdk';\nexport const client = Anthropic;\n",
    });
    const { violations } = (await cruise(root)).summary;
    const found = violations.map((v) => `${v.rule.name}: ${v.from} -> ${v.to}`).sort();
    expect(found).toEqual(
      [
        'console-reads-the-backend: src/console/page.ts -> queries/q.ts',
        'graph-imports-nothing-of-ours: graph/store.ts -> queries/q.ts',
        'indexers-not-queries: indexers/code.ts -> queries/q.ts',
        'lancedb-in-the-vector-store: queries/near.ts -> node_modules/@lancedb/lancedb/index.js',
        'library-code-not-tests-or-bench: src/api.ts -> tests/fixture.ts',
        'model-client-in-the-runner: src/server/model.ts -> node_modules/@anthropic-ai/sdk/index.js',
        'transformers-in-the-embedder: src/embed.ts -> node_modules/@huggingface/transformers/index.js',
        'no-unresolvable: src/mcp/missing.ts -> ./gone.js',
        'queries-not-indexers: queries/q.ts -> indexers/code.ts',
        'surfaces-hold-no-sql: src/cli/query.ts -> graph/store.ts',
      ].sort(),
    );
  });
});
