// The method calls the code indexer records besides imports, in one place: extract.ts reads them from the parse, and
// outline.ts keeps whole every block that holds one, so the two cannot drift apart.

/** `program.command('name ...')`: a CLI command. */
export const COMMAND_METHOD = 'command';

/** `app.get('/path', handler)` and the like: an HTTP route. */
export const ROUTE_METHODS: ReadonlySet<string> = new Set(['get', 'post', 'put', 'patch', 'delete', 'options', 'head', 'all']);
