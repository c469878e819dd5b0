// The headers every console page is sent with: a policy that runs the console's own files only and forbids framing
// (a page of another site cannot overlay it), no sniffing, no referrer, and nothing cached.

import type { Context } from 'hono';

export const CONSOLE_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

export function secureConsoleHeaders(c: Context): void {
  c.header('Content-Security-Policy', CONSOLE_CSP);
  c.header('X-Frame-Options', 'DENY');
  c.header('X-Content-Type-Options', 'nosniff');
  c.header('Referrer-Policy', 'no-referrer');
  c.header('Cache-Control', 'no-store');
}
