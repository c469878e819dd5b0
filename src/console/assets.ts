// The console's static files: its stylesheet, cytoscape's prebuilt browser build (from the installed package, as
// published) and the File page's graph script (compiled by `npm run build` from src/console/client).

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { CONSOLE_CSS } from './styles.js';

export interface Asset {
  body: string;
  type: string;
}

const require = createRequire(import.meta.url);

const SOURCES: Record<string, { type: string; load: () => string }> = {
  'console.css': { type: 'text/css; charset=utf-8', load: () => CONSOLE_CSS },
  'cytoscape.min.js': { type: 'text/javascript; charset=utf-8', load: () => readFileSync(require.resolve('cytoscape/dist/cytoscape.min.js'), 'utf8') },
  'file-graph.js': { type: 'text/javascript; charset=utf-8', load: () => readFileSync(fileURLToPath(new URL('./client/file-graph.js', import.meta.url)), 'utf8') },
};

const loaded = new Map<string, Asset | null>();

/** The asset of that name; null for any other name, or one that is not built (the graph script before a build). */
export function consoleAsset(name: string): Asset | null {
  if (!Object.hasOwn(SOURCES, name)) return null;
  if (!loaded.has(name)) {
    const source = SOURCES[name]!;
    try {
      loaded.set(name, { body: source.load(), type: source.type });
    } catch {
      loaded.set(name, null);
    }
  }
  return loaded.get(name) ?? null;
}
