// Album covers in a grid, and artists in a list.

import { h } from '../dom.js';
import { icon } from '../icons.js';

/** A cover image that falls back to a drawn placeholder when there is none. */
export function cover(url, { size = 'medium', eager = false } = {}) {
  const placeholder = () => h('div', { class: `cover cover-${size} cover-none` }, icon('album', { size: 40 }));
  if (!url) return placeholder();
  const img = h('img', { class: `cover cover-${size}`, src: url, alt: '', loading: eager ? 'eager' : 'lazy', decoding: 'async', width: '200', height: '200' });
  img.addEventListener('error', () => img.replaceWith(placeholder()), { once: true });
  return img;
}

export function albumGrid(albums, { label = 'Albums' } = {}) {
  return h('ul', { class: 'album-grid', 'aria-label': label }, albums.map((album) => h('li', {},
    h('a', { class: 'album-card', href: `#/albums/${album.id}` },
      cover(album.coverUrl),
      h('span', { class: 'album-title' }, album.title),
      h('span', { class: 'muted' }, [album.artist, album.year].filter(Boolean).join(' · '))))));
}

export function artistList(artists, { label = 'Artists' } = {}) {
  return h('ul', { class: 'artist-list', 'aria-label': label }, artists.map((artist) => h('li', {},
    h('a', { class: 'artist-card', href: `#/artists/${artist.id}` },
      h('span', { class: 'artist-avatar' }, icon('artist', { size: 28 })),
      h('span', { class: 'artist-name' }, artist.name),
      h('span', { class: 'muted' }, `${count(artist.albumCount, 'album')} · ${count(artist.trackCount, 'track')}`)))));
}

export function count(n, word) {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** A "Load more" button for cursor-paged listings. */
export function loadMore(onLoad) {
  const button = h('button', { type: 'button', class: 'button secondary load-more' }, 'Load more');
  button.addEventListener('click', async () => {
    button.disabled = true;
    try {
      const more = await onLoad();
      if (more) button.disabled = false;
      else button.remove();
    } catch {
      button.disabled = false;
    }
  });
  return button;
}
