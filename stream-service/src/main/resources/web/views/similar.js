import { h, pageHeading } from '../dom.js';
import { trackList } from '../components/track-list.js';

export async function render(container, ctx) {
  const { api, params, signal, player } = ctx;
  const id = encodeURIComponent(params.id);
  const track = await api.get(`/api/v1/tracks/${id}`, { signal });
  container.append(pageHeading(`More like ${track.title}`), h('p', { class: 'muted' }, `${track.artist ?? ''} · ${track.album ?? ''}`));
  let similar;
  try {
    similar = await api.get(`/api/v1/tracks/${id}/similar`, { query: { limit: 20 }, signal });
  } catch (error) {
    if (error.status !== 503) throw error;
    container.append(h('p', { class: 'empty' }, `Similar tracks are not available: ${error.detail || error.title}`));
    return;
  }
  const tracks = similar.items.map((i) => i.track);
  if (!tracks.length) {
    container.append(h('p', { class: 'empty' }, 'No similar tracks found.'));
    return;
  }
  container.append(
    h('div', { class: 'actions' }, h('button', { type: 'button', class: 'button', onclick: () => player.playTracks([track, ...tracks]) }, 'Play these')),
    trackList(ctx, tracks, { label: `Tracks like ${track.title}` }));
}
