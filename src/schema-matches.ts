// A compile-time check that a zod schema and the TypeScript type it describes agree:
// `Holds<SchemaMatches<S, T>>` fails to compile when either has a field the other lacks or types it differently.

import type { z } from 'zod';

type MutuallyAssignable<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

export type SchemaMatches<S extends z.ZodType, T> = MutuallyAssignable<z.infer<S>, T>;
export type Holds<T extends true> = T;
