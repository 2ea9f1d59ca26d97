import { h, pageHeading } from '../dom.js';
import { allPages } from '../api.js';
import { icon } from '../icons.js';
import { albumGrid, count } from '../components/cards.js';
import { starButton } from '../components/track-list.js';

export async function render(container, ctx) {
  const { api, player, params, signal } = ctx;
  const artist = await api.get(`/api/v1/artists/${encodeURIComponent(params.id)}`, { signal });
  await ctx.annotations.load('artist', [artist.id], { signal });
  const tracks = () => allPages(api, '/api/v1/tracks', { artist: artist.id }, { signal });
  container.append(
    h('header', { class: 'page-header' },
      h('div', { class: 'artist-avatar large' }, icon('artist', { size: 64 })),
      h('div', {},
        h('p', { class: 'eyebrow' }, 'Artist'),
        pageHeading(artist.name),
        h('p', { class: 'muted' }, `${count(artist.albumCount, 'album')} · ${count(artist.trackCount, 'track')}`),
        h('div', { class: 'actions' },
          h('button', { type: 'button', class: 'button', onclick: async () => player.playTracks(await tracks()) }, icon('play'), 'Play all'),
          h('button', { type: 'button', class: 'button secondary', onclick: async () => { const t = await tracks(); player.playTracks(t); player.setShuffle(true); } }, icon('shuffle'), 'Shuffle'),
          starButton(ctx, 'artist', artist.id, artist.name, { withText: true })))),
    h('section', { class: 'section' }, h('h2', {}, 'Albums'), albumGrid(artist.albums ?? [], { label: `Albums by ${artist.name}` })));
}
