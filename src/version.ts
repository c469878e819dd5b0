// kg's version, as package.json states it (read once, at load).

import { readFileSync } from 'node:fs';

// From src/ when run from source (tests), from dist/src/ when built.
function readVersion(): string {
  for (const up of ['../package.json', '../../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(up, import.meta.url), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'kg' && pkg.version) return pkg.version;
    } catch {
      // Not at this level.
    }
  }
  return '0.0.0';
}

export const KG_VERSION = readVersion();
