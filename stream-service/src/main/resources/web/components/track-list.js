// A list of tracks: play from any row, star, and a menu per row (queue, playlist, similar...).

import { h, duration } from '../dom.js';
import { icon } from '../icons.js';
import { menuButton } from './menu.js';
import { addToPlaylist } from './playlist-picker.js';

/**
 * `extraItems(track, index)` adds menu items (a playlist's "Remove"); `numbered` shows track
 * numbers instead of positions; `showAlbum` adds the album column.
 */
export function trackList(ctx, tracks, { numbered = false, showAlbum = true, extraItems = () => [], label = 'Tracks' } = {}) {
  const { player, annotations, signal, toast } = ctx;
  const list = h('ol', { class: 'track-list', 'aria-label': label });
  const rows = tracks.map((track, index) => row(track, index));
  list.append(...rows);

  function row(track, index) {
    const star = starButton(ctx, 'track', track.id, track.title);
    const number = numbered && track.trackNumber ? track.trackNumber : index + 1;
    return h('li', { class: 'track-row', 'data-track-id': track.id },
      h('div', { class: 'track-index' }, h('span', { class: 'track-number', 'aria-hidden': 'true' }, number),
        h('button', { type: 'button', class: 'track-play', 'aria-label': `Play ${track.title}`, onclick: () => player.playTracks(tracks, index) }, icon('play', { size: 18 }))),
      h('div', { class: 'track-main' },
        h('span', { class: 'track-title' }, track.title),
        h('span', { class: 'track-artist muted' }, track.artist ?? 'Unknown artist')),
      showAlbum && track.albumId ? h('a', { class: 'track-album muted', href: `#/albums/${track.albumId}` }, track.album ?? '') : h('span', { class: 'track-album' }),
      h('span', { class: 'track-duration muted' }, duration(track.durationMs)),
      star,
      menuButton({
        label: `More for ${track.title}`,
        items: () => [
          { label: 'Play next', icon: 'queue', run: () => (player.playNext([track]), toast(`"${track.title}" plays next`)) },
          { label: 'Add to queue', icon: 'plus', run: () => (player.enqueue([track]), toast(`Added "${track.title}" to the queue`)) },
          { label: 'Add to playlist…', icon: 'playlist', run: () => addToPlaylist(ctx, [track]) },
          { label: 'More like this', icon: 'similar', run: () => ctx.navigate(`/tracks/${track.id}/similar`) },
          track.albumId && { label: 'Go to album', icon: 'album', run: () => ctx.navigate(`/albums/${track.albumId}`) },
          track.artistId && { label: 'Go to artist', icon: 'artist', run: () => ctx.navigate(`/artists/${track.artistId}`) },
          ...extraItems(track, index),
        ],
      }));
  }

  function markCurrent() {
    const current = player.current?.id;
    for (const r of rows) {
      if (r.dataset.trackId === current) r.setAttribute('aria-current', 'true');
      else r.removeAttribute('aria-current');
    }
  }
  player.addEventListener('trackchange', markCurrent, { signal });
  markCurrent();
  annotations.load('track', tracks.map((t) => t.id), { signal }).catch(() => {});
  return list;
}

/** A toggle button that stars or unstars an item, kept in step with every other view of it. */
export function starButton(ctx, kind, id, name, { withText = false } = {}) {
  const { annotations, toast, signal } = ctx;
  const button = h('button', { type: 'button', class: withText ? 'button secondary star-button' : 'icon-button star-button' });
  function show() {
    const starred = annotations.get(kind, id).starred;
    button.setAttribute('aria-pressed', String(starred));
    button.replaceChildren(icon(starred ? 'starFilled' : 'star'), withText ? h('span', {}, starred ? 'Starred' : 'Star') : '');
    if (!withText) button.setAttribute('aria-label', `Star ${name}`);
    button.title = starred ? `Unstar ${name}` : `Star ${name}`;
  }
  button.addEventListener('click', async () => {
    const starred = !annotations.get(kind, id).starred;
    try {
      await annotations.setStarred(kind, id, starred);
    } catch (error) {
      toast(`Could not ${starred ? 'star' : 'unstar'} ${name}: ${error.message}`, { kind: 'error' });
    }
  });
  annotations.events.addEventListener('change', (e) => e.detail.id === id && show(), { signal });
  show();
  return button;
}
