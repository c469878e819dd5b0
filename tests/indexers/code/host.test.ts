import { describe, expect, it } from 'vitest';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ts } from 'ts-morph';
import { discoverFiles } from '../../../indexers/code/discover.js';
import { cachedHost } from '../../../indexers/code/resolve.js';
import { tempDir } from '../../support/temp.js';

describe('the resolver host', () => {
  it('answers file and folder probes from the folders discovery read exactly as the file system does', () => {
    const root = tempDir('kg-host-');
    mkdirSync(join(root, 'src', 'lib'), { recursive: true });
    mkdirSync(join(root, 'node_modules', 'pkg'), { recursive: true });
    mkdirSync(join(root, 'generated'), { recursive: true });
    writeFileSync(join(root, '.gitignore'), 'generated/\nsrc/secret.ts\n');
    writeFileSync(join(root, 'src', 'a.ts'), 'export const a = 1;\n');
    writeFileSync(join(root, 'src', 'secret.ts'), 'export const s = 1;\n');
    writeFileSync(join(root, 'src', 'notes.md'), '# not indexed\n');
    writeFileSync(join(root, 'src', 'lib', 'index.ts'), 'export {};\n');
    writeFileSync(join(root, 'generated', 'g.ts'), 'export {};\n');
    writeFileSync(join(root, 'node_modules', 'pkg', 'index.d.ts'), 'export {};\n');
    symlinkSync(join(root, 'src', 'a.ts'), join(root, 'src', 'link.ts'));
    symlinkSync(join(root, 'src', 'lib'), join(root, 'src', 'linked-lib'));
    symlinkSync(join(root, 'src', 'gone.ts'), join(root, 'src', 'dangling.ts'));

    const discovery = discoverFiles(root);
    const listed = cachedHost(discovery.listings);
    const probes = [
      'src/a.ts', 'src/secret.ts', 'src/notes.md', 'src/missing.ts', 'src/lib', 'src/lib/index.ts', 'src/lib/', 'src/a.ts/x',
      'src/link.ts', 'src/linked-lib', 'src/linked-lib/index.ts', 'src/dangling.ts', 'generated/g.ts', 'generated',
      'node_modules/pkg/index.d.ts', 'node_modules/pkg/missing.d.ts', 'src/./a.ts', 'src/lib/..', 'SRC/a.ts',
    ].map((path) => join(root, path) + (path.endsWith('/') ? '/' : ''));
    const answers = (host: ts.ModuleResolutionHost) => probes.map((path) => [path, host.fileExists(path), host.directoryExists!(path)]);
    expect(answers(listed)).toEqual(answers(ts.sys));
    // The answers come from the walk's listings, not from stats: a file made since is not seen in a listed folder.
    writeFileSync(join(root, 'src', 'later.ts'), 'export {};\n');
    writeFileSync(join(root, 'node_modules', 'pkg', 'later.d.ts'), 'export {};\n');
    const fresh = cachedHost(discovery.listings);
    expect(fresh.fileExists(join(root, 'src', 'later.ts'))).toBe(false);
    expect(fresh.fileExists(join(root, 'node_modules', 'pkg', 'later.d.ts'))).toBe(true);
  });
});
