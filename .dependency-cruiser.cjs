// The layer rules of ARCHITECTURE.md, checked on every `npm test` (`npm run boundaries`): a change that breaks one
// fails the test command, the way dependency-cruiser checks its own cli-to-main-only rules.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'indexers-not-queries',
      comment: 'Indexers write the graph and queries read it; they meet only in graph/ (the schema) and never import each other.',
      severity: 'error',
      from: { path: '^indexers/' },
      to: { path: '^queries/' },
    },
    {
      name: 'queries-not-indexers',
      comment: 'Queries read the graph and indexers write it; they meet only in graph/ (the schema) and never import each other.',
      severity: 'error',
      from: { path: '^queries/' },
      to: { path: '^indexers/' },
    },
    {
      name: 'graph-imports-nothing-of-ours',
      comment: 'graph/ is the bottom layer: the store, the schema, the writers. It imports no other folder of this repository.',
      severity: 'error',
      from: { path: '^graph/' },
      to: { path: '^(indexers|queries|src|bench|tests)/' },
    },
    {
      name: 'surfaces-hold-no-sql',
      comment: 'The CLI, the HTTP server, the MCP server and the console ask a KgBackend; only graph/, indexers/ and queries/ run SQL on the store.',
      severity: 'error',
      from: { path: '^src/(cli|server|mcp|console)/' },
      to: { path: '^graph/(store|duckdb|code-writer|history-writer|manifest-writer|schema)\\.ts$', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'console-reads-the-backend',
      comment: "The console's pages read what the API reads, through a KgBackend: of the graph and query layers only types (and kg's errors).",
      severity: 'error',
      from: { path: '^src/console/' },
      to: { path: '^(graph|indexers|queries)/', pathNot: '^graph/errors\\.ts$', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'library-code-not-tests-or-bench',
      comment: 'What ships never imports the tests or the bench.',
      severity: 'error',
      from: { path: '^(graph|indexers|queries|src)/' },
      to: { path: '^(tests|bench)/' },
    },
    {
      name: 'lancedb-in-the-vector-store',
      comment: 'LanceDB and Arrow are loaded by the vector store alone (dynamically), so a workspace without vectors never loads them.',
      severity: 'error',
      from: { pathNot: '^graph/vector-(store|batch)\\.ts$' },
      to: { path: '(^|/)node_modules/(@lancedb/|apache-arrow/)' },
    },
    {
      name: 'transformers-in-the-embedder',
      comment: 'transformers.js and onnxruntime are loaded by the embedder alone (in its worker), behind the Embedder interface.',
      severity: 'error',
      from: { pathNot: '^indexers/embeddings/' },
      to: { path: '(^|/)node_modules/(@huggingface/|onnxruntime)' },
    },
    {
      name: 'model-client-in-the-runner',
      comment: 'The Messages API client is used by the agent runner alone: nothing else in kg talks to a model.',
      severity: 'error',
      from: { pathNot: '^src/agent/' },
      to: { path: '(^|/)node_modules/@anthropic-ai/' },
    },
    {
      name: 'no-unresolvable',
      comment: 'Every relative import names a file that exists.',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true, path: '^\\.' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    exclude: { path: '^(dist|bench/\\.corpora)/' },
  },
};
