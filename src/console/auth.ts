// The console with a server token: a browser cannot send `Authorization`, so `/console?token=…` is exchanged once for
// a cookie (HttpOnly, SameSite=Strict, Path=/console) and the address without the token. The cookie holds a digest of
// the token, not the token, and opens only the console's GET pages: the API still wants the bearer token.

import { createHash } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import { secretsEqual } from '../server/guard.js';
import { secureConsoleHeaders } from './headers.js';
import { errorPage } from './layout.js';

/** Requests the console's check let through; the API's bearer check lets them pass. */
const authorized = new WeakSet<Request>();

export function isConsolePath(path: string): boolean {
  return path === '/console' || path.startsWith('/console/');
}

export function consoleAuthorized(c: Context): boolean {
  return authorized.has(c.req.raw);
}

/** Per port: two servers on one host name share a browser's cookies. */
export function consoleCookieName(port: number | null): string {
  return `kg_console_${port ?? 'any'}`;
}

export function consoleCookieValue(token: string): string {
  return createHash('sha256').update(`kg-console:${token}`, 'utf8').digest('base64url');
}

export function consoleAuth(token: string, port: () => number | null): MiddlewareHandler {
  return async (c, next) => {
    if (!isConsolePath(c.req.path)) return next();
    const cookie = consoleCookieName(port());
    const given = c.req.query('token');
    secureConsoleHeaders(c);
    if (given !== undefined) {
      if (!secretsEqual(given, token)) return c.html(errorPage(401, 'that token is not this server\'s: open the console with /console?token=<the token kg serve was given>').value, 401);
      const url = new URL(c.req.url);
      url.searchParams.delete('token');
      c.header('Set-Cookie', `${cookie}=${consoleCookieValue(token)}; Path=/console; HttpOnly; SameSite=Strict`);
      return c.redirect(`${url.pathname}${url.search}`, 303);
    }
    const header = c.req.header('authorization') ?? '';
    const bearerOk = header.startsWith('Bearer ') && secretsEqual(header.slice(7), token);
    const cookieOk = (c.req.method === 'GET' || c.req.method === 'HEAD') && secretsEqual(getCookie(c, cookie) ?? '', consoleCookieValue(token));
    if (!bearerOk && !cookieOk) {
      return c.html(errorPage(401, 'this server needs its token: open the console once with /console?token=<the token kg serve was given>; the browser keeps it in a cookie').value, 401);
    }
    authorized.add(c.req.raw);
    return next();
  };
}
