// How much of a session's text the graph keeps: each field up to a cap, cut at a character boundary. Pure.

/**
 * Caps in characters (UTF-16 code units, as JavaScript and DuckDB's VARCHAR length count them for BMP text): a
 * title, a goal, the recap, one step's notes, and all of a session's notes together. Pipeline runs use `goal` for
 * their goal and `recap` for each string in their phases.
 */
export const SESSION_TEXT_CAPS = {
  title: 1024,
  goal: 8 * 1024,
  recap: 64 * 1024,
  note: 64 * 1024,
  notes: 128 * 1024,
} as const;

/** `text` cut to at most `max` characters, never between the two halves of a surrogate pair. */
export function capText(text: string, max: number): string {
  if (text.length <= max) return text;
  const code = text.charCodeAt(max - 1);
  return text.slice(0, code >= 0xd800 && code <= 0xdbff ? max - 1 : max);
}
