// Where the agent data directory is: `--data-dir`, else `$WORKRAIL_DATA_DIR`, else `~/.workrail/data`.

import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

export interface DataDirChoice {
  path: string;
  /** True when the caller or the environment named it; a missing default is normal, a missing named one is worth a warning. */
  explicit: boolean;
}

export function chooseDataDir(given: string | undefined, env: NodeJS.ProcessEnv = process.env): DataDirChoice {
  if (given !== undefined && given.length > 0) return { path: resolve(given), explicit: true };
  const fromEnv = env.WORKRAIL_DATA_DIR;
  if (fromEnv !== undefined && fromEnv.length > 0) return { path: resolve(fromEnv), explicit: true };
  return { path: join(homedir(), '.workrail', 'data'), explicit: false };
}
