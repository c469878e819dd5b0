// Generated git repositories for the history tests: commits whose co-change and churn answers are known by
// construction (each commit names the files it writes, moves and deletes), with fixed author times.

import { execFileSync } from 'node:child_process';
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export interface CommitSpec {
  subject: string;
  body?: string;
  /** Files written (created or changed), workspace-relative, to their text; a text of null writes a fresh unique one. */
  write?: Record<string, string | null>;
  /** Files moved, old path to new path (git sees a rename when the text stays). */
  move?: Record<string, string>;
  /** Files deleted. */
  remove?: string[];
  /** Author and committer time, seconds since the epoch; default one hour after the previous commit. */
  time?: number;
}

const START_TIME = 1_700_000_000;

/** A git repository in `dir` (created) that commits with fixed identities and times. */
export class GitRepo {
  private time = START_TIME;
  private counter = 0;

  constructor(readonly dir: string, branch = 'main') {
    mkdirSync(dir, { recursive: true });
    this.git('init', '-q', '-b', branch);
  }

  /** Runs git in the repository; returns its trimmed output. */
  git(...args: string[]): string {
    return execFileSync('git', ['-c', 'core.fsmonitor=false', ...args], {
      cwd: this.dir,
      encoding: 'utf8',
      env: {
        ...process.env,
        GIT_AUTHOR_NAME: 'Test',
        GIT_AUTHOR_EMAIL: 'test@example.com',
        GIT_COMMITTER_NAME: 'Test',
        GIT_COMMITTER_EMAIL: 'test@example.com',
        GIT_AUTHOR_DATE: `${this.time} +0000`,
        GIT_COMMITTER_DATE: `${this.time} +0000`,
        GIT_CONFIG_NOSYSTEM: '1',
        HOME: this.dir,
      },
    }).trim();
  }

  /** Applies `spec` to the work tree and commits it; returns the new commit's sha. */
  commit(spec: CommitSpec): string {
    this.time = spec.time ?? this.time + 3600;
    for (const [from, to] of Object.entries(spec.move ?? {})) {
      mkdirSync(dirname(join(this.dir, to)), { recursive: true });
      renameSync(join(this.dir, from), join(this.dir, to));
    }
    for (const path of spec.remove ?? []) rmSync(join(this.dir, path));
    for (const [path, text] of Object.entries(spec.write ?? {})) this.write(path, text ?? `export const v${++this.counter} = ${this.counter};\n`);
    this.git('add', '-A');
    const message = spec.body ? `${spec.subject}\n\n${spec.body}` : spec.subject;
    this.git('commit', '-q', '--allow-empty', '-m', message);
    return this.head();
  }

  /** Writes one file of the work tree without committing it. */
  write(path: string, text: string): void {
    mkdirSync(dirname(join(this.dir, path)), { recursive: true });
    writeFileSync(join(this.dir, path), text);
  }

  head(): string {
    return this.git('rev-parse', 'HEAD');
  }

  /** Merges `branch` into the current branch with a merge commit (never a fast-forward). */
  merge(branch: string, subject: string): string {
    this.time += 3600;
    this.git('merge', '-q', '--no-ff', '-m', subject, branch);
    return this.head();
  }
}
