// Entry point: is there a session? Then the shell (navigation, views, the player), else the login.

import { createApi } from './api.js';
import { createAnnotations } from './annotations.js';
import { h, debounce } from './dom.js';
import { icon } from './icons.js';
import { connectMediaSession } from './media-session.js';
import { createNotices } from './notices.js';
import { Player } from './player.js';
import { playerBar } from './player-bar.js';
import { restoreQueue, saveQueueOnChange } from './queue-sync.js';
import { createRouter, parseHash } from './router.js';
import { scrobble } from './scrobbler.js';
import { bindShortcuts, showShortcuts } from './shortcuts.js';
import { menuButton } from './components/menu.js';
import { showQualityPicker } from './components/quality-picker.js';
import { loadQuality } from './quality.js';
import * as login from './views/login.js';

const ENDED_KEY = 'cadenza.sessionEnded';
const PROBE_INTERVAL_MS = 5000;
const SEARCH_DELAY_MS = 250;

const root = document.getElementById('app');
const notices = createNotices(document.body);
let router = null;
let probeTimer = null;

// Nothing reaches the user as a blank page or a stack trace: an error no view caught is a toast.
addEventListener('error', (event) => notices.toast(`Something went wrong: ${event.message}`, { kind: 'error' }));
addEventListener('unhandledrejection', (event) => {
  const reason = event.reason;
  if (reason?.name === 'AbortError' || reason?.status === 401 || reason?.unreachable) return;
  notices.toast(`Something went wrong: ${reason?.message ?? reason}`, { kind: 'error' });
});

const api = createApi({
  onSessionEnded() {
    // A clean start: no player, no listeners of the old session.
    sessionStorage.setItem(ENDED_KEY, 'Your session ended. Sign in again.');
    location.reload();
  },
  onUnreachable() {
    notices.showBanner('The server is unreachable.', { label: 'Retry', run: probe });
    clearInterval(probeTimer);
    probeTimer = setInterval(probe, PROBE_INTERVAL_MS);
  },
  onReachable() {
    clearInterval(probeTimer);
    notices.hideBanner();
    notices.toast('Connected again.');
    router?.reload();
  },
});

function probe() {
  api.probe().catch(() => {});
}

async function start() {
  let user;
  try {
    user = await api.session();
  } catch (error) {
    root.replaceChildren(h('main', { class: 'login' }, h('div', { class: 'login-form' },
      h('h1', { class: 'page-title' }, error.unreachable ? 'The server is unreachable' : 'Cadenza could not start'),
      h('p', {}, error.unreachable ? 'Check your connection.' : `${error.title}${error.detail ? `: ${error.detail}` : ''}`),
      h('button', { type: 'button', class: 'button', onclick: () => location.reload() }, 'Try again'))));
    return;
  }
  const message = sessionStorage.getItem(ENDED_KEY);
  sessionStorage.removeItem(ENDED_KEY);
  if (user) shell(user);
  else login.render(root, { api, message, onSignedIn: () => location.reload() });
}

function shell(user) {
  const saved = Number.parseFloat(localStorage.getItem('cadenza.volume'));
  const player = new Player({ volume: saved >= 0 && saved <= 1 ? saved : 1, quality: loadQuality() });
  const annotations = createAnnotations(api);
  const navigate = (path, options) => router.navigate(path, options);
  const ctx = { api, player, navigate, toast: notices.toast, notice: notices.showNotice, annotations, user, reload: () => router.reload() };

  const search = h('input', { type: 'search', id: 'search', placeholder: 'Search', autocomplete: 'off', 'aria-label': 'Search artists, albums and tracks' });
  // The first query of a search is a history entry, the next ones replace it; the focus stays in the field.
  const searchFor = debounce((q) => navigate(`/search?q=${encodeURIComponent(q)}`, {
    replace: parseHash(location.hash).path === '/search',
    keepFocus: document.activeElement === search,
  }), SEARCH_DELAY_MS);
  search.addEventListener('input', () => searchFor(search.value.trim()));
  search.addEventListener('keydown', (event) => {
    if (event.key === 'Enter') searchFor.flush(search.value.trim());
    if (event.key === 'Escape') search.blur();
  });

  const nav = (href, iconName, text) => h('a', { href, class: 'nav-link' }, icon(iconName), h('span', {}, text));
  const main = h('main', { id: 'main', tabindex: '-1' });
  const navigation = h('nav', { class: 'sidebar', 'aria-label': 'Library' },
    nav('#/', 'home', 'Home'), nav('#/artists', 'artist', 'Artists'), nav('#/albums', 'album', 'Albums'),
    nav('#/playlists', 'playlist', 'Playlists'), nav('#/starred', 'star', 'Starred'), nav('#/queue', 'queue', 'Queue'),
    nav('#/group', 'group', 'Group'));
  root.replaceChildren(
    h('a', { class: 'skip-link', href: '#main', onclick: (e) => { e.preventDefault(); main.focus(); } }, 'Skip to content'),
    h('div', { class: 'shell' },
      h('header', { class: 'topbar' },
        h('a', { class: 'brand', href: '#/' }, icon('music'), h('span', {}, 'Cadenza')),
        h('form', { role: 'search', class: 'search-form', onsubmit: (e) => e.preventDefault() }, icon('search', { size: 18 }), search),
        menuButton({
          label: 'Account', iconName: 'user', text: user.username, className: 'button secondary account-button',
          items: [
            { label: 'Streaming quality', icon: 'quality', run: () => showQualityPicker(player) },
            { label: 'Keyboard shortcuts', icon: 'keyboard', run: showShortcuts },
            { label: 'Sign out', icon: 'close', run: signOut },
          ],
        })),
      navigation, main, playerBar(ctx)));

  function markNav() {
    const path = parseHash(location.hash).path;
    if (path !== '/search') search.value = '';
    for (const link of navigation.querySelectorAll('a')) {
      const target = link.getAttribute('href').slice(1);
      const active = target === '/' ? path === '/' : path === target || path.startsWith(`${target}/`);
      if (active) {
        link.setAttribute('aria-current', 'page');
        // on a phone the tabs are a row that scrolls sideways: the current one is in sight
        link.scrollIntoView({ block: 'nearest', inline: 'nearest' });
      } else {
        link.removeAttribute('aria-current');
      }
    }
  }
  addEventListener('hashchange', markNav);
  markNav();

  async function signOut() {
    player.pause();
    await api.logout().catch(() => {});
    location.reload();
  }

  player.addEventListener('trackerror', async ({ detail: { track } }) => {
    try {
      await api.get(`/api/v1/tracks/${track.id}`);
      notices.toast(`"${track.title}" could not be played.`, { kind: 'error' });
    } catch (error) {
      if (error.unreachable) return; // the banner says it
      notices.toast(error.status === 404 ? `"${track.title}": this track was removed from the library.` : `"${track.title}" could not be played: ${error.message}`, { kind: 'error' });
    }
    player.skipFailed();
  });

  router = createRouter(main, () => ctx);
  connectMediaSession(player);
  scrobble(api, player);
  bindShortcuts(ctx);
  restoreQueue(api, player)
    .catch((error) => error.unreachable || notices.toast(`Your queue could not be restored: ${error.message}`, { kind: 'error' }))
    .finally(() => saveQueueOnChange(api, player));
  router.start();
  window.cadenza = { player }; // for the browser tests and the console
}

start();
