// CLI spellings of the intent kinds, for help text and argument checks (no schema load needed).

import { INTENT_KINDS } from '../../queries/kinds.js';

/** Dashes where the intent has underscores: `recent-sessions` for `recent_sessions`. */
export const QUERY_KINDS = INTENT_KINDS.map((kind) => kind.replaceAll('_', '-'));
