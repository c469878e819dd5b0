// What `kg status --json` and `GET /v1/status` answer, as a zod schema for the OpenAPI document. The type is made in
// status.ts; the assertion below makes a change there that is not made here fail to compile.

import { z } from 'zod';
import type { WorkspaceStatus } from './status.js';
import type { Holds, SchemaMatches } from './schema-matches.js';

export const workspaceStatusSchema = z.object({
  workspace: z.string(),
  db: z.string(),
  schemaVersion: z.number().int(),
  indexedAt: z.string().nullable(),
  gitHead: z.string().nullable().describe('HEAD when the graph was indexed.'),
  workspaceRoot: z.string().nullable(),
  tables: z.record(z.string(), z.number().int()).describe('Rows per table.'),
  edges: z.record(z.string(), z.number().int()).describe('Edges per kind.'),
  gitHeadNow: z.string().nullable(),
  headMovedSinceIndex: z.boolean(),
  vectors: z
    .object({
      state: z
        .enum(['off', 'current', 'lagging', 'unreadable'])
        .describe('current: made from this graph; lagging: from an older one (an index stopped between its two writes), the next reindex brings them up; unreadable: kg reindex makes them again.'),
      dir: z.string().nullable().describe('The LanceDB folder beside the graph.'),
      model: z.string().nullable(),
      dimensions: z.number().int().nullable(),
      rows: z.number().int().nullable(),
      updatedAt: z.string().nullable(),
      note: z.string().nullable().describe('What to do about lagging or unreadable vectors.'),
    })
    .describe('The embeddings of the workspace (off unless turned on with kg index --vectors).'),
});

export type _WorkspaceStatusMatches = Holds<SchemaMatches<typeof workspaceStatusSchema, WorkspaceStatus>>;
