// Reads a workspace's git HEAD commit straight from `.git`, without spawning git (it is on the query hot path).

import { readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** The commit sha HEAD points at, or null when the folder is not in a git repository or HEAD is unborn. */
export function readGitHead(root: string): string | null {
  const gitDir = findGitDir(resolve(root));
  if (gitDir === null) return null;
  const head = readText(join(gitDir, 'HEAD'))?.trim();
  if (!head) return null;
  if (!head.startsWith('ref: ')) return head;
  const ref = head.slice(5).trim();
  const commonDir = readCommonDir(gitDir);
  const loose = readText(join(gitDir, ref))?.trim() ?? readText(join(commonDir, ref))?.trim();
  if (loose) return loose;
  const packed = readText(join(commonDir, 'packed-refs'));
  if (!packed) return null;
  for (const line of packed.split('\n')) {
    const [sha, name] = line.split(' ');
    if (name === ref && sha) return sha;
  }
  return null;
}

/** The `.git` directory for `start` or its nearest ancestor, following `gitdir:` files of worktrees. */
export function findGitDir(start: string): string | null {
  return locateGit(start)?.gitDir ?? null;
}

/** The top of the work tree holding `start`: the nearest folder, `start` included, with a `.git` in it. */
export function findWorkTree(start: string): string | null {
  return locateGit(start)?.top ?? null;
}

function locateGit(start: string): { top: string; gitDir: string } | null {
  let dir = start;
  for (;;) {
    const candidate = join(dir, '.git');
    const kind = statKind(candidate);
    if (kind === 'dir') return { top: dir, gitDir: candidate };
    if (kind === 'file') {
      const pointer = readText(candidate)?.match(/^gitdir:\s*(.+)$/m)?.[1]?.trim();
      if (pointer) return { top: dir, gitDir: resolve(dir, pointer) };
    }
    const parent = dirname(dir);
    if (parent === dir) return null;
    dir = parent;
  }
}

function readCommonDir(gitDir: string): string {
  const common = readText(join(gitDir, 'commondir'))?.trim();
  return common ? resolve(gitDir, common) : gitDir;
}

function statKind(path: string): 'dir' | 'file' | null {
  try {
    const stat = statSync(path);
    return stat.isDirectory() ? 'dir' : 'file';
  } catch {
    return null;
  }
}

function readText(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}
