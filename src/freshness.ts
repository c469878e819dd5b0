// The disk side of answer freshness: git HEAD and file stats, supplied to queries by the surfaces.

import { statSync } from 'node:fs';
import { join } from 'node:path';
import { readGitHead } from '../indexers/git/head.js';
import type { FreshnessProbe } from '../queries/index.js';

export const diskProbe: FreshnessProbe = {
  gitHead: (root) => readGitHead(root),
  changedFiles(root, files) {
    const changed: string[] = [];
    for (const file of files) {
      try {
        const stat = statSync(join(root, file.path));
        if (stat.size !== file.size || Math.abs(stat.mtimeMs - file.mtimeMs) > 1) changed.push(file.path);
      } catch {
        changed.push(file.path);
      }
    }
    return changed;
  },
};
