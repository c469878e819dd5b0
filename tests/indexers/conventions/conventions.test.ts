import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findConventionDocuments, indexConventions } from '../../../indexers/conventions/index.js';
import { splitSections, stripFrontMatter } from '../../../indexers/conventions/sections.js';
import { CONVENTION_DOCS } from '../../fixtures/datadir/workspace.js';
import { writeWorkspace } from '../../fixtures/workspace.js';
import { tempDir } from '../../support/temp.js';

describe('splitSections', () => {
  it('splits by headings, keeps the heading path, skips headings with nothing under them', () => {
    expect(splitSections('intro\n\n# A\n\n## B\n\nb text\n\n### C\nc text\n## D\nd text\n# E\ne text\n')).toEqual([
      { headingPath: '', body: 'intro' },
      { headingPath: 'A > B', body: 'b text' },
      { headingPath: 'A > B > C', body: 'c text' },
      { headingPath: 'A > D', body: 'd text' },
      { headingPath: 'E', body: 'e text' },
    ]);
  });

  it('treats # lines inside fenced code as text, and strips closing hashes', () => {
    expect(splitSections('# Run ##\n```sh\n# comment\n~~~\n```\nafter\n')).toEqual([
      { headingPath: 'Run', body: '```sh\n# comment\n~~~\n```\nafter' },
    ]);
  });

  it('makes one section of a document without headings, and none of an empty one', () => {
    expect(splitSections('Keep it small.\r\nReally.\r\n')).toEqual([{ headingPath: '', body: 'Keep it small.\nReally.' }]);
    expect(splitSections('\n\n')).toEqual([]);
    expect(splitSections('#hashtag is not a heading')).toEqual([{ headingPath: '', body: '#hashtag is not a heading' }]);
  });

  it('strips front matter only at the very start', () => {
    expect(stripFrontMatter('---\nglobs: x\n---\n# T\n')).toBe('# T\n');
    expect(stripFrontMatter('# T\n---\na: b\n---\n')).toBe('# T\n---\na: b\n---\n');
  });
});

describe('indexConventions', () => {
  it('finds every convention document in priority order, nested ones last, each with its sections and scope', () => {
    const root = writeWorkspace(join(tempDir(), 'ws'), Object.fromEntries(CONVENTION_DOCS.map((d) => [d.path, d.text])));
    const result = indexConventions(root);
    expect(result.documents).toEqual(CONVENTION_DOCS.map((d) => d.path));
    const want = CONVENTION_DOCS.flatMap((doc, priority) =>
      doc.sections.map((section, ordinal) => ({
        id: `conv:${doc.path}#${ordinal}`,
        source: doc.path,
        headingPath: section.headingPath,
        body: section.body,
        scope: doc.scope,
        ordinal,
        priority,
      })),
    );
    expect(result.conventions).toEqual(want);
    expect(result.warnings).toEqual([]);
  });

  it('knows every file the daemon reads, and skips nested documents in ignored folders, node_modules and build output', () => {
    const names = [
      '.claude/CLAUDE.md',
      'CLAUDE.md',
      'CLAUDE.local.md',
      'AGENTS.md',
      '.github/AGENTS.md',
      '.cursor/rules/a.mdc',
      '.cursor/rules/b.mdc',
      '.cursorrules',
      '.windsurf/rules/w.md',
      '.firebender/rules/f.mdc',
      '.firebender/AGENTS.md',
      '.github/copilot-instructions.md',
      '.continue/rules/c.md',
      'CONTRIBUTING.md',
      'packages/app/AGENTS.md',
      'packages/app/src/CLAUDE.md',
    ];
    const files: Record<string, string> = Object.fromEntries(names.map((n) => [n, `text of ${n}\n`]));
    files['.gitignore'] = 'build/\n';
    files['build/AGENTS.md'] = 'ignored';
    files['node_modules/x/AGENTS.md'] = 'ignored';
    files['package.json'] = '{}';
    files['dist/AGENTS.md'] = 'a build copy';
    files['.next/CLAUDE.md'] = 'a build copy';
    files['.cursor/rules/notes.txt'] = 'not a rule file';
    const root = writeWorkspace(join(tempDir(), 'all'), files);
    const docs = findConventionDocuments(root);
    expect(docs.map((d) => d.path)).toEqual(names);
    expect(docs.find((d) => d.path === 'packages/app/src/CLAUDE.md')!.scope).toBe('packages/app/src');
    expect(docs.find((d) => d.path === '.github/AGENTS.md')!.scope).toBe('');
  });
});
