import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exportLines } from '../../graph/export.js';
import { GraphStore } from '../../graph/store.js';
import { indexWorkspaceInto } from '../../indexers/index.js';
import { reindexWorkspaceInto } from '../../indexers/reindex.js';
import { EditableWorkspace, prng } from '../fixtures/edits.js';
import { tempDir } from '../support/temp.js';

const STEPS = Number(process.env.KG_PROPERTY_STEPS ?? 150);

async function exported(store: GraphStore): Promise<string[]> {
  const lines: string[] = [];
  for await (const line of exportLines(store)) lines.push(JSON.stringify(line));
  return lines;
}

function git(root: string, ...args: string[]): void {
  execFileSync('git', ['-c', 'user.name=kg', '-c', 'user.email=kg@example.invalid', ...args], { cwd: root, stdio: 'ignore' });
}

describe('an incremental reindex yields the same graph as a full index', () => {
  for (const variant of ['no git: stat-then-hash scan', 'git: changes since the indexed HEAD'] as const) {
    it(`after each of ${STEPS} random edits (${variant})`, async () => {
      const seed = variant.startsWith('git') ? 20261124 : 7;
      const random = prng(seed);
      const root = join(tempDir('kg-property-'), 'ws');
      mkdirSync(root, { recursive: true });
      const workspace = new EditableWorkspace(root, random);
      workspace.seed();
      const withGit = variant.startsWith('git');
      if (withGit) {
        git(root, 'init', '-q');
        git(root, 'add', '-A');
        git(root, 'commit', '-q', '-m', 'seed');
      }
      const dbDir = tempDir('kg-property-db-');
      const incremental = await GraphStore.open({ path: join(dbDir, 'incremental.duckdb') });
      const full = await GraphStore.open({ path: join(dbDir, 'full.duckdb') });
      await indexWorkspaceInto(incremental, root);
      const modes = { incremental: 0, full: 0 };
      try {
        for (let step = 1; step <= STEPS; step++) {
          const edit = workspace.apply();
          if (withGit && random() < 0.3) {
            git(root, 'add', '-A');
            git(root, 'commit', '-q', '--allow-empty', '-m', `step ${step}`);
          }
          // Every third step names the changed files, as `kg reindex --files` does; the others detect them.
          const report = await reindexWorkspaceInto(incremental, root, step % 3 === 0 ? { files: edit.paths } : {});
          modes[report.mode]++;
          await indexWorkspaceInto(full, root);
          const [got, want] = [await exported(incremental), await exported(full)];
          expect(got, `seed ${seed}, step ${step}: ${edit.kind} ${edit.paths.join(', ')}`).toEqual(want);
        }
      } finally {
        incremental.close();
        full.close();
      }
      // The property means something only if most steps really were incremental.
      expect(modes.incremental).toBeGreaterThan(STEPS / 2);
    }, 300_000);
  }
});
