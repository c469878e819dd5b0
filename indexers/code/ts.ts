// The compiler API for the code indexer: `./typescript.js` preloads it with a code cache before ts-morph asks for it.

import './typescript.js';

export { ts } from 'ts-morph';
