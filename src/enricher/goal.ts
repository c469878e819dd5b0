// Finds the workspace paths a goal names ("fix retry in src/trigger/trigger-router.ts"), without touching the disk.

import { isAbsolute, relative, sep } from 'node:path';

// A word with a slash or a file extension: `src/a.ts`, `./lib/`, `README.md`, `/abs/ws/src/b.ts`.
const PATH_LIKE = /(?:^|[\s(`'"[<{,;])((?:\.{0,2}\/)?[\w@.+-]+(?:\/[\w@.+-]*)*)/g;
const EXTENSION = /\.[A-Za-z][A-Za-z0-9]{0,5}$/;

/** Workspace-relative paths named in `goal`, in order of first mention, without duplicates. */
export function pathsInGoal(goal: string, root: string): string[] {
  const found: string[] = [];
  for (const match of goal.matchAll(PATH_LIKE)) {
    let word = match[1]!.replace(/[.,;:!?)]+$/, '');
    if (!word.includes('/') && !EXTENSION.test(word)) continue;
    // Version numbers and dotted words ("v1.2", "e.g.") are not paths.
    if (/^v?\d+(\.\d+)+$/.test(word) || /^[a-z]\.[a-z]$/i.test(word)) continue;
    if (/^https?:/.test(word)) continue;
    if (isAbsolute(word)) {
      const rel = relative(root, word);
      if (rel.startsWith('..') || isAbsolute(rel)) continue;
      word = rel.split(sep).join('/');
    }
    while (word.startsWith('./')) word = word.slice(2);
    word = word.replace(/\/+$/, '');
    if (word === '' || word === '.' || word.startsWith('../')) continue;
    if (!found.includes(word)) found.push(word);
  }
  return found;
}
