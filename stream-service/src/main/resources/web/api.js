// The API client: JSON in and out, the CSRF header on every change, RFC 9457 problems turned into
// errors a person can read, and the two failures every view shares handled once: a session that
// ended (back to the login) and a server that cannot be reached (a banner that retries).

const CSRF_HEADER = 'X-Cadenza-CSRF';

/** An answer the API refused, or no answer at all (`status` 0). */
export class ApiError extends Error {
  constructor({ status, title, detail, type }) {
    super(detail || title);
    this.name = 'ApiError';
    this.status = status;
    this.title = title;
    this.detail = detail;
    this.type = type;
  }

  get unreachable() {
    return this.status === 0;
  }
}

/**
 * Creates the client. `onSessionEnded()` runs when a request is refused with 401 after a login;
 * `onUnreachable()` when the server does not answer, `onReachable()` when it answers again.
 */
export function createApi({ onSessionEnded = () => {}, onUnreachable = () => {}, onReachable = () => {} } = {}) {
  let csrfToken = null;
  let unreachable = false;

  async function request(method, path, { body, query, signal, keepalive, authenticated = true } = {}) {
    const url = new URL(path, location.origin);
    for (const [key, value] of Object.entries(query ?? {})) {
      if (value != null && value !== '') url.searchParams.set(key, value);
    }
    const headers = { Accept: 'application/json' };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (method !== 'GET' && method !== 'HEAD' && csrfToken) headers[CSRF_HEADER] = csrfToken;
    let response;
    try {
      response = await fetch(url, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal,
        keepalive,
        credentials: 'same-origin',
      });
    } catch (error) {
      if (error?.name === 'AbortError') throw error;
      if (!unreachable) {
        unreachable = true;
        onUnreachable();
      }
      throw new ApiError({ status: 0, title: 'The server is unreachable', detail: 'Check your connection; the page retries on its own.' });
    }
    if (unreachable) {
      unreachable = false;
      onReachable();
    }
    if (response.ok) {
      if (response.status === 204 || method === 'HEAD') return null;
      const type = response.headers.get('Content-Type') ?? '';
      return type.includes('json') ? response.json() : response.text();
    }
    const error = await problem(response);
    if (response.status === 401 && authenticated && csrfToken) {
      csrfToken = null;
      onSessionEnded();
    }
    throw error;
  }

  return {
    get: (path, options) => request('GET', path, options),
    post: (path, body, options) => request('POST', path, { ...options, body }),
    put: (path, body, options) => request('PUT', path, { ...options, body }),
    patch: (path, body, options) => request('PATCH', path, { ...options, body }),
    delete: (path, options) => request('DELETE', path, options),

    /** Whether the cookie is still a session: the user, or null. */
    async session() {
      try {
        const { user, csrfToken: token } = await request('GET', '/api/v1/auth/session', { authenticated: false });
        csrfToken = token;
        return user;
      } catch (error) {
        if (error.status === 401) return null;
        throw error;
      }
    },
    async login(username, password) {
      const { user, csrfToken: token } = await request('POST', '/api/v1/auth/session', {
        body: { username, password },
        authenticated: false,
      });
      csrfToken = token;
      return user;
    },
    async logout() {
      try {
        await request('DELETE', '/api/v1/auth/session', { authenticated: false });
      } finally {
        csrfToken = null;
      }
    },
    /** Asks the server whether it is back; the clock route needs no user. */
    async probe() {
      await request('HEAD', '/api/v1/time', { authenticated: false });
    },
    get unreachable() {
      return unreachable;
    },
  };
}

async function problem(response) {
  let body = {};
  try {
    const type = response.headers.get('Content-Type') ?? '';
    if (type.includes('json')) body = await response.json();
  } catch {
    // a body that is not JSON: the status says enough
  }
  return new ApiError({
    status: response.status,
    title: body.title || response.statusText || `HTTP ${response.status}`,
    detail: body.detail,
    type: body.type,
  });
}

/** The "items" of every page of a listing that pages with `next` cursors, up to `max`. */
export async function allPages(api, path, query, { signal, max = 2000 } = {}) {
  const items = [];
  let cursor;
  do {
    const page = await api.get(path, { query: { ...query, limit: 500, cursor }, signal });
    items.push(...page.items);
    cursor = page.next;
  } while (cursor && items.length < max);
  return items;
}
