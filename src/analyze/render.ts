// The plain-text reports of `kg session analyze`.

import type { AllSessionsAnalysis, SessionAnalysis } from './schema.js';

const VERDICT: Record<string, string> = { first_turn: 'cited in turn 1', later_turn: 'cited later', ignored: 'ignored' };

export function renderSessionAnalysis(a: SessionAnalysis): string {
  const lines = [
    `session ${a.sessionId} (${a.source}): ${a.turns} assistant turn(s)${a.partial ? `; partial: ${a.partialReason}` : ''}`,
    `goal: ${oneLine(a.goal, 160)}`,
    '',
  ];
  if (a.slots.length === 0) lines.push('no slots were given');
  for (const slot of a.slots) {
    lines.push(`${slot.slot} (${slot.tokens} tokens, ${slot.items.length} item(s)): ${VERDICT[slot.verdict]}`);
    for (const item of slot.items) {
      const how = item.verdict === 'ignored' ? 'ignored' : `turn ${item.turn} by ${item.rule}: ${oneLine(item.evidence ?? '', 100)}`;
      lines.push(`  ${oneLine(item.key, 60)} (${item.tokens} tokens): ${how}`);
    }
  }
  lines.push('', `query_knowledge calls: ${a.queryCalls.length}`);
  for (const call of a.queryCalls) {
    const what = `${call.kind}${call.subject ? ` ${oneLine(call.subject, 60)}` : ''}`;
    lines.push(`  turn ${call.turn}: ${what}: ${call.verdict === 'already_held' ? `already held (${call.heldBy})` : 'lacked by the slots'}`);
  }
  lines.push('', `tokens on ignored items: ${a.ignoredTokens}`);
  return `${lines.join('\n')}\n`;
}

export function renderAllSessionsAnalysis(a: AllSessionsAnalysis): string {
  const lines = [`${a.sessions} session(s) of ${a.workspace}${a.partial > 0 ? `, ${a.partial} partial` : ''}${a.skipped.length > 0 ? `, ${a.skipped.length} unreadable (skipped)` : ''}`, ''];
  lines.push('| slot | sessions given | cited in turn 1 | cited at all | share cited | tokens given | tokens ignored |', '| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const k of a.slotKinds) {
    lines.push(`| ${k.slot} | ${k.sessionsGiven} | ${k.sessionsCitedFirstTurn} | ${k.sessionsCited} | ${Math.round(k.shareCited * 100)} % | ${k.tokensGiven} | ${k.tokensIgnored} |`);
  }
  const top = a.queryCalls.topLacked.map((t) => `${t.kind} ${t.count}`).join(', ');
  lines.push(
    '',
    `query_knowledge calls: ${a.queryCalls.alreadyHeld} asked for what a slot held, ${a.queryCalls.lacked} for what the slots lacked${top ? ` (${top})` : ''}`,
    `tokens on ignored items: ${a.ignoredTokens}`,
  );
  for (const s of a.skipped.slice(0, 10)) lines.push(`  skipped ${s.id}: ${s.reason}`);
  return `${lines.join('\n')}\n`;
}

function oneLine(text: string, max: number): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > max ? `${line.slice(0, max - 3)}...` : line;
}
