// The choice between a running `kg serve` and kg in this process is made in one place, src/cli/backend.ts: no command
// module reaches for a backend, the server record or the graph's opening itself.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const CLI = join(import.meta.dirname, '..', '..', 'src', 'cli');
const COMMANDS = ['index-command.ts', 'reindex-command.ts', 'query.ts', 'status.ts', 'enrich-command.ts', 'export.ts'];
// What only backend.ts (and what it picks) may import.
const CHOSEN_THERE = ['../backend/remote.js', '../backend/local.js', '../backend/auto.js', '../server/discovery.js', './library-backend.js', './open.js', '../api.js'];

/** The modules a source file imports, statically or with `import()`, type-only imports left out. */
function importsOf(file: string): string[] {
  const source = readFileSync(join(CLI, file), 'utf8');
  return [...source.matchAll(/^import (?!type )[^;]*? from '([^']+)'|import\('([^']+)'\)/gm)].map((match) => match[1] ?? match[2]!);
}

describe('the CLI commands', () => {
  it('sees the imports this test looks for', () => {
    expect(importsOf('backend.ts')).toEqual(expect.arrayContaining(['../server/discovery.js', '../backend/remote.js', './open.js']));
  });

  for (const command of COMMANDS) {
    it(`${command} gets its backend from backend.ts and chooses none itself`, () => {
      const imports = importsOf(command);
      expect(imports).toContain('./backend.js');
      expect(imports.filter((specifier) => CHOSEN_THERE.includes(specifier))).toEqual([]);
    });
  }
});
