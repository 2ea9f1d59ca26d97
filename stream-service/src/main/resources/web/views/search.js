// Results for the search field in the top bar. Typing replaces the route (#/search?q=...), which
// aborts the previous render's requests: a stale answer never overwrites a newer one.

import { h, pageHeading } from '../dom.js';
import { albumGrid, artistList } from '../components/cards.js';
import { trackList } from '../components/track-list.js';

export async function render(container, ctx) {
  const { api, signal, query } = ctx;
  const q = (query.get('q') ?? '').trim();
  const field = document.getElementById('search');
  if (field && document.activeElement !== field) field.value = q;
  container.append(pageHeading(q ? `Search: ${q}` : 'Search'));
  if (!q) {
    container.append(h('p', { class: 'muted' }, 'Type in the search field to find artists, albums and tracks.'));
    return;
  }
  const results = h('div', { 'aria-busy': 'true' });
  container.append(results);
  const [artists, albums, tracks] = await Promise.all([
    api.get('/api/v1/artists', { query: { q, limit: 10 }, signal }),
    api.get('/api/v1/albums', { query: { q, limit: 12 }, signal }),
    api.get('/api/v1/tracks', { query: { q, limit: 50 }, signal }),
  ]);
  results.removeAttribute('aria-busy');
  if (!artists.items.length && !albums.items.length && !tracks.items.length) {
    results.append(h('p', { class: 'empty', role: 'status' }, `Nothing matches "${q}".`));
    return;
  }
  if (artists.items.length) results.append(h('section', { class: 'section' }, h('h2', {}, 'Artists'), artistList(artists.items)));
  if (albums.items.length) results.append(h('section', { class: 'section' }, h('h2', {}, 'Albums'), albumGrid(albums.items)));
  if (tracks.items.length) results.append(h('section', { class: 'section' }, h('h2', {}, 'Tracks'), trackList(ctx, tracks.items)));
}
