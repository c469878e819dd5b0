// A coordinator summary: sections in priority order within a byte budget. A section goes in whole or not at all (one
// that does not fit is dropped whole, and the later, lower ones may still fit), so no text is ever cut mid-sentence
// or mid-character.

export interface SummarySection {
  title: string;
  body: string;
}

export interface RenderedSummary {
  text: string;
  bytes: number;
  kept: string[];
  dropped: string[];
}

const SEPARATOR = '\n\n';

/** `sections` (highest priority first) as markdown, within `budgetBytes` of UTF-8. */
export function renderSummary(sections: readonly SummarySection[], budgetBytes: number): RenderedSummary {
  const parts: string[] = [];
  const kept: string[] = [];
  const dropped: string[] = [];
  let bytes = 0;
  for (const section of sections) {
    if (section.body.trim() === '') continue;
    const part = `### ${section.title}\n${section.body.trim()}`;
    const cost = Buffer.byteLength(part, 'utf8') + (parts.length > 0 ? SEPARATOR.length : 0);
    if (bytes + cost > budgetBytes) {
      dropped.push(section.title);
      continue;
    }
    parts.push(part);
    kept.push(section.title);
    bytes += cost;
  }
  const text = parts.join(SEPARATOR);
  return { text, bytes: Buffer.byteLength(text, 'utf8'), kept, dropped };
}
