// Readers for untrusted JSON values from the agent data dir: a wrong type reads as absent, never as a throw.

export function str(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

export function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string' && v !== '') : [];
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
