import { h, pageHeading } from '../dom.js';
import { albumGrid, artistList } from '../components/cards.js';
import { trackList } from '../components/track-list.js';

export async function render(container, ctx) {
  const { api, signal, player } = ctx;
  const [tracks, albums, artists] = await Promise.all(['track', 'album', 'artist'].map((kind) =>
    api.get('/api/v1/me/stars', { query: { kind, limit: 500 }, signal }).then((page) => page.items.map((a) => a[kind]).filter(Boolean))));
  container.append(pageHeading('Starred'));
  if (!tracks.length && !albums.length && !artists.length) {
    container.append(h('p', { class: 'empty' }, 'Nothing starred yet. Press the star next to a track, an album or an artist (or the s key for the one playing).'));
    return;
  }
  if (tracks.length) {
    container.append(h('section', { class: 'section' }, h('h2', {}, 'Tracks'),
      h('div', { class: 'actions' }, h('button', { type: 'button', class: 'button', onclick: () => player.playTracks(tracks) }, 'Play starred tracks')),
      trackList(ctx, tracks, { label: 'Starred tracks' })));
  }
  if (albums.length) container.append(h('section', { class: 'section' }, h('h2', {}, 'Albums'), albumGrid(albums, { label: 'Starred albums' })));
  if (artists.length) container.append(h('section', { class: 'section' }, h('h2', {}, 'Artists'), artistList(artists, { label: 'Starred artists' })));
}
