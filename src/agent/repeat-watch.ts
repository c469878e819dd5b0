// Stuck detection: the same tool with the same arguments `limit` times in a row. Arguments are compared as canonical
// JSON (keys sorted), so `{a,b}` and `{b,a}` are the same call.

export class RepeatWatch {
  private last: string | null = null;
  private count = 0;

  constructor(readonly limit: number) {}

  /** Notes a call; true when it makes `limit` identical calls in a row. */
  push(name: string, input: unknown): boolean {
    const key = `${name}\0${canonicalJson(input)}`;
    this.count = key === this.last ? this.count + 1 : 1;
    this.last = key;
    return this.count >= this.limit;
  }
}

export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'undefined';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([key, v]) => `${JSON.stringify(key)}:${canonicalJson(v)}`).join(',')}}`;
}
