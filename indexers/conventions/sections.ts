// Splits a convention document into sections by its markdown headings. Pure.

export interface Section {
  /** The headings above the section, outermost first, joined by ' > '; '' for text before the first heading. */
  headingPath: string;
  body: string;
}

export const HEADING_SEPARATOR = ' > ';

const HEADING = /^ {0,3}(#{1,6})[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$/;
const FENCE = /^ {0,3}(`{3,}|~{3,})/;

/**
 * One section per heading that has text under it (a heading with only sub-headings under it lives on in their
 * heading paths), plus the text before the first heading. Headings inside fenced code blocks are text.
 */
export function splitSections(text: string): Section[] {
  const sections: Section[] = [];
  const stack: { level: number; title: string }[] = [];
  let body: string[] = [];
  let path = '';
  let fence: string | null = null;
  const flush = () => {
    const content = body.join('\n').trim();
    if (content !== '') sections.push({ headingPath: path, body: content });
    body = [];
  };
  for (const line of text.replace(/\r\n?/g, '\n').split('\n')) {
    const fenceMatch = FENCE.exec(line);
    if (fenceMatch) {
      const marker = fenceMatch[1]!;
      if (fence === null) fence = marker;
      else if (marker[0] === fence[0] && marker.length >= fence.length) fence = null;
      body.push(line);
      continue;
    }
    const heading = fence === null ? HEADING.exec(line) : null;
    if (!heading) {
      body.push(line);
      continue;
    }
    flush();
    const level = heading[1]!.length;
    while (stack.length > 0 && stack[stack.length - 1]!.level >= level) stack.pop();
    stack.push({ level, title: heading[2]!.trim() });
    path = stack.map((h) => h.title).join(HEADING_SEPARATOR);
  }
  flush();
  return sections;
}

/** Drops a leading `---` front matter block (cursor, windsurf and similar rule files). */
export function stripFrontMatter(text: string): string {
  const match = /^\uFEFF?---[ \t]*\r?\n[\s\S]*?\r?\n---[ \t]*(?:\r?\n|$)/.exec(text);
  return match ? text.slice(match[0].length) : text;
}
