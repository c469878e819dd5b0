// The runner's own files of a session, beside its WorkRail record: `context.json` (what the model was given, written
// before the first call) and `conversation.jsonl` (appended a line at a time, so a killed run keeps what happened).

import { closeSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { makePrivateFolder, writeFileDurably } from '../../graph/private-files.js';
import { agentSessionDir, CONTEXT_FILE, CONVERSATION_FILE, type ConversationLine, type SessionContext } from './record-schema.js';

export function writeSessionContext(dataDir: string, context: SessionContext): string {
  const dir = agentSessionDir(dataDir, context.sessionId);
  makePrivateFolder(dir);
  const path = join(dir, CONTEXT_FILE);
  writeFileDurably(path, `${JSON.stringify(context, null, 2)}\n`);
  return path;
}

export class ConversationLog {
  readonly path: string;
  private fd: number | null;

  constructor(dataDir: string, sessionId: string) {
    const dir = agentSessionDir(dataDir, sessionId);
    makePrivateFolder(dir);
    this.path = join(dir, CONVERSATION_FILE);
    this.fd = openSync(this.path, 'a', 0o600);
  }

  /** One line, written through at once: the OS holds it even if this process is killed next. */
  append(line: ConversationLine): void {
    if (this.fd === null) return;
    writeSync(this.fd, `${JSON.stringify(line)}\n`);
  }

  close(): void {
    if (this.fd === null) return;
    closeSync(this.fd);
    this.fd = null;
  }
}
