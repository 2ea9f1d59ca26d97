import { h, pageHeading } from '../dom.js';
import { albumGrid } from '../components/cards.js';
import { trackList } from '../components/track-list.js';

export async function render(container, ctx) {
  const { api, signal, user } = ctx;
  const [albums, recent, starred] = await Promise.all([
    api.get('/api/v1/albums', { query: { limit: 12 }, signal }),
    api.get('/api/v1/me/plays', { query: { kind: 'album', order: 'recent', limit: 6 }, signal }),
    api.get('/api/v1/me/stars', { query: { kind: 'track', limit: 10 }, signal }),
  ]);
  container.append(pageHeading(`Hello, ${user.username}`));
  const recentAlbums = recent.items.map((a) => a.album).filter(Boolean);
  if (recentAlbums.length) {
    container.append(section('Played recently', albumGrid(recentAlbums, { label: 'Played recently' })));
  }
  const starredTracks = starred.items.map((a) => a.track).filter(Boolean);
  if (starredTracks.length) {
    container.append(section('Starred tracks', trackList(ctx, starredTracks, { label: 'Starred tracks' })));
  }
  container.append(section('Albums', albums.items.length
    ? [albumGrid(albums.items), albums.next && h('p', {}, h('a', { href: '#/albums' }, 'All albums'))]
    : h('p', { class: 'empty' }, 'The library is empty. Add music to its folder; the next scan finds it.')));
}

function section(title, ...content) {
  return h('section', { class: 'section' }, h('h2', {}, title), ...content);
}
