// What keeps a web page from driving `kg serve`: a page the user opens can send requests to 127.0.0.1, but it cannot
// make its request name this server in `Host` (DNS rebinding names the attacker's host), it cannot hide its `Origin`,
// and it cannot send `application/json` cross-site without a preflight that this server never answers.

import { createHash, timingSafeEqual } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import type { Failure } from './errors.js';

export interface HostRules {
  /** The port the server listens on: a `Host` or `Origin` with another port names another server (null: any). */
  port: number | null;
  /** Host names (no port) requests may name: the loopback names, plus the names given for a non-loopback bind. */
  names: readonly string[];
}

const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '[::1]'];

/** The names a server bound to `host` answers to: loopback names always, the bound address, and `extra` names. */
export function allowedHostNames(host: string, extra: readonly string[] = []): string[] {
  const bound = host.includes(':') ? `[${host}]` : host;
  const wildcard = host === '0.0.0.0' || host === '::';
  return [...new Set([...LOOPBACK_NAMES, ...(wildcard ? [] : [bound]), ...extra].map((name) => name.toLowerCase()))];
}

/** Whether `value` (a Host header: `name` or `name:port`) names this server. */
export function hostAllowed(value: string | undefined, rules: HostRules): boolean {
  if (!value) return false;
  const match = /^(\[[0-9a-f:.]+\]|[^:[\]]+)(?::(\d{1,5}))?$/i.exec(value.trim());
  if (!match) return false;
  const [, name, port] = match;
  if (port !== undefined && rules.port !== null && Number(port) !== rules.port) return false;
  return rules.names.includes(name!.toLowerCase());
}

/** Whether an `Origin` is this server itself (its own pages); any other origin, `null` included, is foreign. */
export function originAllowed(origin: string, rules: HostRules): boolean {
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  if (url.protocol !== 'http:' || url.username || url.password) return false;
  return hostAllowed(url.port ? `${url.hostname}:${url.port}` : `${url.hostname}:80`, rules);
}

/** A body is read only when it is declared `application/json` (parameters such as charset allowed). */
export function isJsonContentType(value: string | undefined): boolean {
  return /^application\/json\s*(;|$)/i.test(value?.trim() ?? '');
}

/** Refuses, before anything else runs, a `Host` that is not this server (403) and a foreign `Origin` (403). */
export function originGuard(rules: () => HostRules, fail: (c: Context, failure: Failure) => Response): MiddlewareHandler {
  return async (c, next) => {
    const current = rules();
    const host = c.req.header('host');
    if (!hostAllowed(host, current)) {
      const port = current.port === null ? '' : ` on port ${current.port}`;
      return fail(c, {
        status: 403,
        code: 'forbidden_host',
        message: `Host ${JSON.stringify(host ?? '')} does not name this server (it answers to ${current.names.join(', ')}${port}; see --allow-host)`,
      });
    }
    const origin = c.req.header('origin');
    if (origin !== undefined && !originAllowed(origin, current)) {
      return fail(c, { status: 403, code: 'forbidden_origin', message: `requests from the web origin ${JSON.stringify(origin)} are refused` });
    }
    await next();
    return undefined;
  };
}

/** Refuses a request that carries a body not declared `application/json` (415): a form or text/plain is never read. */
export function jsonBodyGuard(fail: (c: Context, failure: Failure) => Response): MiddlewareHandler {
  return async (c, next) => {
    if (carriesBody(c) && !isJsonContentType(c.req.header('content-type'))) {
      return fail(c, {
        status: 415,
        code: 'unsupported_media_type',
        message: `request bodies must be sent as Content-Type: application/json (got ${JSON.stringify(c.req.header('content-type') ?? '')})`,
      });
    }
    await next();
    return undefined;
  };
}

// Every POST (the only method with a body here), and any other request that says it has one.
function carriesBody(c: Context): boolean {
  if (c.req.method === 'POST' || c.req.method === 'PUT' || c.req.method === 'PATCH') return true;
  const length = c.req.header('content-length');
  return (length !== undefined && length !== '0') || c.req.header('transfer-encoding') !== undefined;
}

/** Compares a secret a client sent with the expected one in time that depends on neither's content nor length. */
export function secretsEqual(given: string, expected: string): boolean {
  const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest();
  // Digests are always 32 bytes: timingSafeEqual never sees a length mismatch that would return early.
  return timingSafeEqual(digest(given), digest(expected)) && expected.length > 0;
}
