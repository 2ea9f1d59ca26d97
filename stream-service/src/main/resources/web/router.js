// Hash routes: "#/albums/<id>" and the like. Each view is a module loaded when first needed, with
// `render(container, ctx)`; ctx.signal is aborted when the view is left, so its requests stop.

import { h } from './dom.js';

const ROUTES = [
  ['/', 'home'],
  ['/artists', 'artists'],
  ['/artists/:id', 'artist'],
  ['/albums', 'albums'],
  ['/albums/:id', 'album'],
  ['/tracks/:id/similar', 'similar'],
  ['/search', 'search'],
  ['/playlists', 'playlists'],
  ['/playlists/:id', 'playlist'],
  ['/starred', 'starred'],
  ['/queue', 'queue'],
  ['/now-playing', 'now-playing'],
  ['/group', 'group'],
  ['/group/:sessionId', 'group'],
].map(([pattern, view]) => ({ view, ...compile(pattern) }));

function compile(pattern) {
  const names = [];
  const source = pattern.replace(/:(\w+)/g, (_, name) => {
    names.push(name);
    return '([^/]+)';
  });
  return { regex: new RegExp(`^${source}$`), names };
}

/** Splits "#/search?q=x" into the route and its parameters. */
export function parseHash(hash) {
  const [path, search = ''] = hash.replace(/^#/, '').split('?');
  return { path: path || '/', query: new URLSearchParams(search) };
}

/** What a page that could not be shown says instead: never a blank page. */
function failure(error) {
  const retry = h('button', { type: 'button', class: 'button', onclick: () => dispatchEvent(new HashChangeEvent('hashchange')) }, 'Try again');
  if (error?.status === 404) {
    return h('div', { class: 'view' }, h('h1', { class: 'page-title', tabindex: '-1' }, 'Not found'),
      h('p', {}, error.detail || 'It is not in the library (any more).'), h('p', {}, h('a', { href: '#/' }, 'Go home')));
  }
  const title = error?.unreachable ? 'The server is unreachable' : 'This page could not be loaded';
  const detail = error?.title && !error.unreachable ? `${error.title}${error.detail ? `: ${error.detail}` : ''}` : 'Check your connection and try again.';
  return h('div', { class: 'view' }, h('h1', { class: 'page-title', tabindex: '-1' }, title), h('p', {}, detail), retry);
}

export function createRouter(main, contextFor) {
  let controller = null;
  let cleanup = null;
  let keepFocus = false;
  let generation = 0;

  async function show() {
    const { path, query } = parseHash(location.hash);
    const route = ROUTES.find((r) => r.regex.test(path));
    controller?.abort();
    if (typeof cleanup === 'function') cleanup();
    cleanup = null;
    controller = new AbortController();
    const mine = ++generation;
    const focus = !keepFocus;
    keepFocus = false;
    if (!route) {
      main.replaceChildren(h('h1', { class: 'page-title', tabindex: '-1' }, 'Page not found'), h('p', {}, h('a', { href: '#/' }, 'Go home')));
      main.querySelector('h1').focus();
      return;
    }
    const params = Object.fromEntries(route.names.map((name, i) => [name, decodeURIComponent(path.match(route.regex)[i + 1])]));
    const container = h('div', { class: `view view-${route.view}` });
    try {
      const module = await import(`./views/${route.view}.js`);
      if (mine !== generation) return; // another route was chosen while this one loaded
      main.replaceChildren(container);
      document.body.dataset.route = route.view;
      cleanup = await module.render(container, { ...contextFor(), params, query, signal: controller.signal });
    } catch (error) {
      if (error?.name === 'AbortError' || mine !== generation) return;
      main.replaceChildren(failure(error));
      main.querySelector('h1').focus();
      return;
    }
    if (mine !== generation) return;
    const heading = container.querySelector('h1');
    if (heading) document.title = `${heading.textContent} · Cadenza`;
    if (focus) (heading ?? main).focus({ preventScroll: false });
  }

  addEventListener('hashchange', () => show().catch(reportError));

  return {
    start: () => show().catch(reportError),
    reload: () => {
      keepFocus = true;
      return show().catch(reportError);
    },
    /**
     * Goes to `path` ("/albums/x"). `replace`: no new history entry; `keepFocus`: the focus stays
     * where it is instead of moving to the new page's heading (search as you type).
     */
    navigate(path, { replace = false, keepFocus: keep = false } = {}) {
      const hash = `#${path}`;
      if (location.hash === hash) return this.reload();
      keepFocus = keep;
      if (replace) location.replace(hash);
      else location.hash = hash;
    },
    stop() {
      controller?.abort();
      if (typeof cleanup === 'function') cleanup();
    },
  };
}
