// Answers of a long-lived graph (a server's), kept until the next committed write: the graph cannot change in between,
// so the same intent gets the same items. Freshness is not cached: each hit looks at the disk again. Misses run
// against an in-memory snapshot of the graph's files and imports, loaded once per generation.

import type { AnyAnswer, FreshnessProbe, GraphSnapshot } from '../queries/index.js';
import type { IndexedFileStat } from '../queries/answer.js';

interface Cached {
  answer: AnyAnswer;
  /** The indexed stats of the files the answer named, as its freshness check was given them. */
  stats: readonly IndexedFileStat[];
}

export interface CacheCounters {
  hits: number;
  misses: number;
}

// Enough for every file of a large workspace asked a few ways; the oldest go first.
const DEFAULT_ENTRIES = 5000;

export class AnswerCache {
  private generation = -1;
  private readonly answers = new Map<string, Cached>();
  private readonly pending = new Map<string, Promise<Cached>>();
  private snapshot: Promise<GraphSnapshot> | null = null;
  readonly counters: CacheCounters = { hits: 0, misses: 0 };

  constructor(private readonly maxEntries = DEFAULT_ENTRIES) {}

  /**
   * The answer to the intent `key` at graph generation `generation`: from the cache, with its freshness worked out
   * again, or computed by `compute` with a probe that notes what it checked.
   */
  async answer(
    key: string,
    generation: number,
    root: string,
    probe: FreshnessProbe,
    compute: (probe: FreshnessProbe, snapshot: GraphSnapshot) => Promise<AnyAnswer>,
    loadSnapshot: () => Promise<GraphSnapshot>,
  ): Promise<AnyAnswer> {
    const snapshot = this.snapshotOf(generation, loadSnapshot);
    const cached = this.answers.get(key);
    if (cached) {
      this.counters.hits++;
      // Most recently used last, so eviction takes the least recently used.
      this.answers.delete(key);
      this.answers.set(key, cached);
      return refreshed(cached, root, probe);
    }
    let computing = this.pending.get(key);
    if (computing) {
      this.counters.hits++;
      return refreshed(await computing, root, probe);
    }
    this.counters.misses++;
    computing = this.compute(key, generation, probe, async (recording) => compute(recording, await snapshot));
    this.pending.set(key, computing);
    try {
      return (await computing).answer;
    } finally {
      if (this.pending.get(key) === computing) this.pending.delete(key);
    }
  }

  /**
   * An answer that depends on more than the graph (a git diff of the work tree): computed every time, never kept,
   * over the generation's snapshot all the same.
   */
  async uncached(
    generation: number,
    compute: (snapshot: GraphSnapshot) => Promise<AnyAnswer>,
    loadSnapshot: () => Promise<GraphSnapshot>,
  ): Promise<AnyAnswer> {
    this.counters.misses++;
    return compute(await this.snapshotOf(generation, loadSnapshot));
  }

  /** The snapshot of `generation`, loaded once; a new generation drops what the last one kept. */
  private snapshotOf(generation: number, loadSnapshot: () => Promise<GraphSnapshot>): Promise<GraphSnapshot> {
    if (generation !== this.generation) {
      this.answers.clear();
      this.pending.clear();
      this.snapshot = null;
      this.generation = generation;
    }
    this.snapshot ??= loadSnapshot();
    return this.snapshot;
  }

  private async compute(key: string, generation: number, probe: FreshnessProbe, compute: (probe: FreshnessProbe) => Promise<AnyAnswer>): Promise<Cached> {
    let stats: readonly IndexedFileStat[] = [];
    const recording: FreshnessProbe = {
      gitHead: (root) => probe.gitHead(root),
      changedFiles: (root, files) => {
        stats = files;
        return probe.changedFiles(root, files);
      },
    };
    const entry = { answer: await compute(recording), stats };
    // A write committed while this ran: the answer may hold a mix of both graphs, so it is not kept.
    if (generation === this.generation) {
      this.answers.set(key, entry);
      if (this.answers.size > this.maxEntries) this.answers.delete(this.answers.keys().next().value!);
    }
    return entry;
  }
}

function refreshed({ answer, stats }: Cached, root: string, probe: FreshnessProbe): AnyAnswer {
  const gitHeadNow = probe.gitHead(root);
  const changedFiles = probe.changedFiles(root, stats).sort();
  return {
    ...answer,
    freshness: {
      ...answer.freshness,
      gitHeadNow,
      changedFiles,
      changedSinceIndex: changedFiles.length > 0 || answer.freshness.gitHeadAtIndex !== gitHeadNow,
    },
  };
}
