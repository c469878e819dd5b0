// Short plain-text renderings of answers, for prompts and terminals.

/** A header line, then one indented line per item, then a note when the list was cut. */
export function renderList(header: string, lines: readonly string[], truncated: boolean): string {
  const body = lines.map((line) => `  ${line}`);
  if (truncated) body.push('  … (more; raise the limit to see them)');
  return [header, ...body].join('\n');
}
