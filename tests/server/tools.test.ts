// The tool definitions every surface derives from the one intent schema, and the per-answer size limit.

import { describe, expect, it } from 'vitest';
import { INTENT_KINDS } from '../../queries/kinds.js';
import type { Answer } from '../../queries/index.js';
import { cutLines, fitAnswer } from '../../src/answer-size.js';
import { anthropicTools, parseQueryKnowledge, toolDefinitions } from '../../src/tools.js';

describe('tool definitions', () => {
  it('offer query_knowledge with every intent kind, each described for a model, in MCP and Anthropic shapes', () => {
    const [query, reindex] = toolDefinitions();
    expect(query!.name).toBe('query_knowledge');
    expect(reindex!.name).toBe('reindex');
    const schema = JSON.stringify(query!.inputSchema);
    for (const kind of INTENT_KINDS) {
      expect(schema).toContain(`"${kind}"`);
      expect(query!.description).toContain(`- ${kind}: `);
    }
    expect(query!.inputSchema).toMatchObject({ type: 'object', required: expect.arrayContaining(['workspace', 'intent']) });
    expect(schema).not.toContain('$schema');
    const anthropic = anthropicTools();
    expect(anthropic.map((t) => t.name)).toEqual(['query_knowledge', 'reindex']);
    expect(anthropic[0]!.input_schema).toEqual(query!.inputSchema);
  });

  it('validate with the same schema, naming the field', () => {
    expect(parseQueryKnowledge({ workspace: '/w', intent: { kind: 'importers', file: 'src/a.ts', depth: 2 } })).toMatchObject({ ok: true });
    expect(parseQueryKnowledge({ workspace: '/w', intent: { kind: 'impact', files: [] } })).toMatchObject({ ok: false, field: 'intent.files' });
    expect(parseQueryKnowledge({ workspace: 'w', intent: { kind: 'cycles' } })).toMatchObject({ ok: false, field: 'workspace' });
  });
});

describe('the answer size limit', () => {
  const freshness = { indexedAt: null, gitHeadAtIndex: null, gitHeadNow: null, changedSinceIndex: false, changedFiles: [] };
  const big = (n: number): Answer<{ path: string }> => {
    const items = Array.from({ length: n }, (_, i) => ({ path: `src/some/deeply/nested/folder/file-${i}.ts` }));
    return { kind: 'importers', items, text: items.map((i) => i.path).join('\n'), freshness, truncated: false, total: n };
  };

  it('leaves an answer that fits alone', () => {
    const answer = big(10);
    expect(fitAnswer(answer)).toBe(answer);
  });

  it('cuts lists and text to fit, keeping the first items and marking it truncated', () => {
    const answer = big(5000);
    const fitted = fitAnswer(answer, 16 * 1024);
    expect(Buffer.byteLength(JSON.stringify(fitted))).toBeLessThanOrEqual(16 * 1024);
    expect(fitted.truncated).toBe(true);
    expect(fitted.total).toBe(5000);
    expect(fitted.items.length).toBeGreaterThan(10);
    expect(fitted.items).toEqual(answer.items.slice(0, fitted.items.length));
    // The text is cut at a line boundary and says so.
    const lines = fitted.text.split('\n');
    expect(lines.at(-1)).toMatch(/answer cut to fit/);
    for (const line of lines.slice(0, -1)) expect(answer.text.split('\n')).toContain(line);
  });

  it('cuts text at line boundaries within the byte budget, multi-byte text included', () => {
    const text = Array.from({ length: 50 }, (_, i) => `行 ${i} 🦀`).join('\n');
    const cut = cutLines(text, 100, '…');
    expect(Buffer.byteLength(cut)).toBeLessThanOrEqual(100);
    expect(cut.endsWith('\n…')).toBe(true);
    expect(Buffer.from(cut, 'utf8').toString('utf8')).toBe(cut);
  });
});
