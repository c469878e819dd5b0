// What `kg status --json` and `GET /v1/status` answer, and each entry of `kg status --all --json` and
// `GET /v1/workspaces`, as zod schemas for the OpenAPI document. The types are made in status.ts; the assertions below
// make a change there that is not made here fail to compile.

import { z } from 'zod';
import type { WorkspaceListing, WorkspaceStatus } from './status.js';
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

export const workspaceListingSchema = z.object({
  workspace: z.string().describe('The workspace root the graph was indexed from; its folder under KG_HOME when that could not be read.'),
  db: z.string(),
  status: workspaceStatusSchema.nullable().describe('What GET /v1/status answers for the workspace; null with `error`.'),
  error: z
    .object({
      code: z.string().describe('locked (another process holds the graph), no_graph (no index of it completed), not_a_workspace (its folder is gone or moved), io (unreadable), ...'),
      message: z.string(),
    })
    .nullable()
    .describe('Why there is no status.'),
});

export type _WorkspaceListingMatches = Holds<SchemaMatches<typeof workspaceListingSchema, WorkspaceListing>>;
