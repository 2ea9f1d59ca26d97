import { h, pageHeading } from '../dom.js';
import { cover } from '../components/cards.js';
import { ratingControl } from '../components/rating.js';
import { starButton, trackList } from '../components/track-list.js';

export function render(container, ctx) {
  const { player, signal, annotations, toast, api } = ctx;
  let similarController = null;

  async function draw() {
    similarController?.abort();
    const track = player.current;
    if (!track) {
      container.replaceChildren(pageHeading('Now playing'), h('p', { class: 'empty' }, 'Nothing is playing. Pick an album or a track.'));
      return;
    }
    similarController = new AbortController();
    const similar = h('section', { class: 'section' }, h('h2', {}, 'More like this'));
    container.replaceChildren(
      h('div', { class: 'now-playing' },
        cover(track.coverUrl, { size: 'huge', eager: true }),
        h('div', {},
          h('p', { class: 'eyebrow' }, 'Now playing'),
          pageHeading(track.title),
          h('p', {}, track.artistId ? h('a', { href: `#/artists/${track.artistId}` }, track.artist) : track.artist),
          track.albumId && h('p', {}, h('a', { href: `#/albums/${track.albumId}` }, track.album)),
          h('p', { class: 'muted' }, [track.year, track.genre, track.format?.toUpperCase(), track.bitrate && `${track.bitrate} kbit/s`].filter(Boolean).join(' · ')),
          h('div', { class: 'actions' }, starButton(ctx, 'track', track.id, track.title, { withText: true })),
          ratingControl({ kind: 'track', id: track.id, label: `Rating of ${track.title}`, annotations, toast, signal }))),
      similar);
    annotations.load('track', [track.id], { signal }).catch(() => {});
    try {
      const page = await api.get(`/api/v1/tracks/${track.id}/similar`, { query: { limit: 8 }, signal: similarController.signal });
      similar.append(trackList(ctx, page.items.map((i) => i.track), { label: 'Similar tracks' }));
    } catch (error) {
      if (error.name !== 'AbortError') similar.append(h('p', { class: 'muted' }, `Not available: ${error.detail || error.title || error.message}`));
    }
  }
  player.addEventListener('trackchange', () => draw(), { signal });
  signal.addEventListener('abort', () => similarController?.abort());
  draw();
}
