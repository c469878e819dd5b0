// Turns the file paths a session recorded into workspace-relative graph paths, refusing any that escape it. Pure.

import { posix } from 'node:path';

/**
 * `path` relative to the workspace, forward slashes; an absolute path inside one of `roots` (the workspace,
 * the session's own checkout or worktree) is made relative to it. Null when the path escapes (`..`, absolute
 * elsewhere) or is empty.
 */
export function workspaceRelative(path: string, roots: readonly string[]): string | null {
  const slashed = path.replaceAll('\\', '/').trim();
  if (slashed === '') return null;
  if (slashed.startsWith('/') || /^[A-Za-z]:\//.test(slashed)) {
    for (const root of roots) {
      const base = root.replaceAll('\\', '/').replace(/\/+$/, '');
      if (slashed.startsWith(`${base}/`)) return workspaceRelative(slashed.slice(base.length + 1), []);
    }
    return null;
  }
  const normalized = posix.normalize(slashed).replace(/\/+$/, '');
  if (normalized === '.' || normalized === '..' || normalized.startsWith('../')) return null;
  return normalized.startsWith('./') ? normalized.slice(2) : normalized;
}
