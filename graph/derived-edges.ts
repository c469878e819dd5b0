// Edges no single index writes: derived in SQL from rows of several (applies_to joins conventions with files), and
// derived again whenever either side changed.

import type { WriteTx } from './store.js';

/**
 * Derives `applies_to` edges (convention section -> file) from the conventions' scopes and the indexed files:
 * a section applies to every file under its folder.
 */
export async function refreshAppliesTo(tx: WriteTx): Promise<number> {
  await tx.run(`DELETE FROM edges WHERE kind = 'applies_to'`);
  await tx.run(
    `INSERT INTO edges
     SELECT c.id, 'file:' || f.path, 'applies_to', NULL
     FROM conventions c JOIN files f ON c.scope = '' OR starts_with(f.path, c.scope || '/')
     ORDER BY c.id, f.path`,
  );
  const [row] = await tx.all<{ n: number }>(`SELECT count(*) AS n FROM edges WHERE kind = 'applies_to'`);
  return row?.n ?? 0;
}
