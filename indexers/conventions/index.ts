// The conventions indexer: the workspace's instructions to agents (AGENTS.md, CLAUDE.md, rule files, ...) as
// sections, each scoped to the folder its document applies to.

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { nodeId, type ConventionRow, type Warning } from '../../graph/records.js';
import { walkWorkspace } from '../code/discover.js';
import { confine, outsideWarning, realPathOf } from '../confine.js';
import { splitSections, stripFrontMatter } from './sections.js';

/**
 * The documents the daemon hands to agents, in its priority order (a `*` entry is a folder of rule files, sorted
 * by name), then contribution docs. All apply to the whole workspace.
 */
export const CONVENTION_SOURCES: readonly { path: string; frontMatter?: boolean }[] = [
  { path: '.claude/CLAUDE.md' },
  { path: 'CLAUDE.md' },
  { path: 'CLAUDE.local.md' },
  { path: 'AGENTS.md' },
  { path: '.github/AGENTS.md' },
  { path: '.cursor/rules/*.mdc', frontMatter: true },
  { path: '.cursorrules' },
  { path: '.windsurf/rules/*.md', frontMatter: true },
  { path: '.firebender/rules/*.mdc', frontMatter: true },
  { path: '.firebender/AGENTS.md' },
  { path: '.github/copilot-instructions.md' },
  { path: '.continue/rules/*.md', frontMatter: true },
  { path: 'CONTRIBUTING.md' },
  { path: '.github/CONTRIBUTING.md' },
];

/** Names that, in a subfolder, hold conventions for that folder's subtree. */
export const NESTED_NAMES: ReadonlySet<string> = new Set(['AGENTS.md', 'CLAUDE.md']);

const MAX_DOCUMENT_BYTES = 1024 * 1024;

export interface ConventionDocument {
  /** Workspace-relative path. */
  path: string;
  /** Folder it applies to, '' for the whole workspace. */
  scope: string;
  frontMatter: boolean;
  /** Set when its real path (through a link to it or to a folder above it) is outside the workspace: never read. */
  outside?: string;
}

export interface ConventionIndexResult {
  conventions: ConventionRow[];
  documents: string[];
  warnings: Warning[];
}

/** Reads and splits every convention document of the workspace at `root` (`documents`, when already found). */
export function indexConventions(root: string, documents = findConventionDocuments(root)): ConventionIndexResult {
  const warnings: Warning[] = [];
  const conventions: ConventionRow[] = [];
  documents.forEach((doc, priority) => {
    if (doc.outside !== undefined) {
      warnings.push(outsideWarning(doc.path, `leads to ${doc.outside}`));
      return;
    }
    let text: string;
    try {
      const abs = join(root, doc.path);
      if (statSync(abs).size > MAX_DOCUMENT_BYTES) {
        warnings.push({ code: 'convention_too_large', message: `${doc.path} is over 1 MiB: not indexed`, path: doc.path });
        return;
      }
      text = readFileSync(abs, 'utf8');
    } catch {
      warnings.push({ code: 'convention_unreadable', message: `${doc.path} cannot be read: not indexed`, path: doc.path });
      return;
    }
    conventions.push(...conventionRows(doc, doc.frontMatter ? stripFrontMatter(text) : text, priority));
  });
  return { conventions, documents: documents.map((d) => d.path), warnings };
}

/** The rows of one document's sections. Pure. */
export function conventionRows(doc: ConventionDocument, text: string, priority: number): ConventionRow[] {
  return splitSections(text).map((section, ordinal) => ({
    id: nodeId.convention(doc.path, ordinal),
    source: doc.path,
    headingPath: section.headingPath,
    body: section.body,
    scope: doc.scope,
    ordinal,
    priority,
  }));
}

/**
 * The convention documents of `root` in priority order: the fixed list, then nested AGENTS.md/CLAUDE.md by path.
 * Each is checked by real path (a handful of realpaths); one that leads out of the workspace is listed with
 * `outside` set, for the indexer to report.
 */
export function findConventionDocuments(root: string): ConventionDocument[] {
  const found: ConventionDocument[] = [];
  const seen = new Set<string>();
  const realRoot = realPathOf(root);
  for (const source of CONVENTION_SOURCES) {
    const star = source.path.indexOf('*');
    const paths =
      star < 0
        ? [source.path]
        : listFiles(join(root, source.path.slice(0, source.path.lastIndexOf('/'))))
            .filter((name) => name.endsWith(source.path.slice(star + 1)))
            .map((name) => `${source.path.slice(0, source.path.lastIndexOf('/'))}/${name}`);
    for (const path of paths) {
      if (seen.has(path) || !isFile(join(root, path))) continue;
      seen.add(path);
      const confined = confine(realRoot, join(root, path));
      found.push({
        path,
        scope: '',
        frontMatter: source.frontMatter ?? false,
        ...(!confined.ok && confined.reason === 'outside' ? { outside: confined.real! } : {}),
      });
    }
  }
  const nested = findNested(root).filter((doc) => !seen.has(doc.path));
  for (const { path, outside } of nested) {
    found.push({ path, scope: path.slice(0, path.lastIndexOf('/')), frontMatter: false, ...(outside !== undefined ? { outside } : {}) });
  }
  return found;
}

// Nested documents in subfolders, seen as the code indexer sees the workspace (.gitignore, build output, links).
function findNested(root: string): { path: string; outside?: string }[] {
  const found: { path: string; outside?: string }[] = [];
  walkWorkspace(root, {
    wants: (name) => NESTED_NAMES.has(name),
    onFile: (path) => {
      if (path.includes('/')) found.push({ path });
    },
    onOutside: (path, target) => {
      if (path.includes('/')) found.push({ path, outside: target });
    },
  });
  return found.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

function listFiles(dir: string): string[] {
  try {
    return readdirSync(dir).sort();
  } catch {
    return [];
  }
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}
