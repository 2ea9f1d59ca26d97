import { h, pageHeading, duration } from '../dom.js';
import { icon } from '../icons.js';
import { cover, count } from '../components/cards.js';
import { ratingControl } from '../components/rating.js';
import { starButton, trackList } from '../components/track-list.js';
import { addToPlaylist } from '../components/playlist-picker.js';

export async function render(container, ctx) {
  const { api, player, params, signal, annotations, toast } = ctx;
  const album = await api.get(`/api/v1/albums/${encodeURIComponent(params.id)}`, { signal });
  await annotations.load('album', [album.id], { signal });
  const tracks = album.tracks ?? [];
  container.append(
    h('header', { class: 'page-header' },
      cover(album.coverUrl, { size: 'large', eager: true }),
      h('div', {},
        h('p', { class: 'eyebrow' }, 'Album'),
        pageHeading(album.title),
        h('p', {}, h('a', { href: `#/artists/${album.artistId}` }, album.artist)),
        h('p', { class: 'muted' }, [album.year, album.genre, count(album.trackCount, 'track'), duration(album.durationMs)].filter(Boolean).join(' · ')),
        h('div', { class: 'actions' },
          h('button', { type: 'button', class: 'button', onclick: () => player.playTracks(tracks) }, icon('play'), 'Play'),
          h('button', { type: 'button', class: 'button secondary', onclick: () => { player.playTracks(tracks); player.setShuffle(true); } }, icon('shuffle'), 'Shuffle'),
          h('button', { type: 'button', class: 'button secondary', onclick: () => { player.enqueue(tracks); toast(`Added ${album.title} to the queue`); } }, icon('queue'), 'Add to queue'),
          h('button', { type: 'button', class: 'button secondary', onclick: () => addToPlaylist(ctx, tracks) }, icon('playlist'), 'Add to playlist'),
          starButton(ctx, 'album', album.id, album.title, { withText: true })),
        ratingControl({ kind: 'album', id: album.id, label: `Rating of ${album.title}`, annotations, toast, signal }))),
    trackList(ctx, tracks, { numbered: true, showAlbum: false, label: `Tracks of ${album.title}` }));
}
