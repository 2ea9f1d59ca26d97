import { h, pageHeading, duration } from '../dom.js';
import { icon } from '../icons.js';
import { count } from '../components/cards.js';
import { trackList } from '../components/track-list.js';

export async function render(container, ctx) {
  const { api, player, params, signal, toast, navigate, user } = ctx;
  const path = `/api/v1/playlists/${encodeURIComponent(params.id)}`;
  const playlist = await api.get(path, { signal });
  const mine = playlist.ownerId === user.id;
  const tracks = playlist.entries.filter((e) => !e.missing && e.track).map((e) => e.track);
  const missing = playlist.entries.length - tracks.length;
  // Menu indexes are positions among the playable entries; the API's are among all entries.
  const entryIndex = playlist.entries.flatMap((e, i) => (!e.missing && e.track ? [i] : []));

  async function change(request, message) {
    try {
      await request();
      if (message) toast(message);
      ctx.reload();
    } catch (error) {
      toast(`Could not change the playlist: ${error.message}`, { kind: 'error' });
    }
  }

  const extraItems = (track, i) => (mine ? [
    i > 0 && { label: 'Move up', icon: 'up', run: () => change(() => api.patch(`${path}/entries/${entryIndex[i]}`, { index: entryIndex[i - 1] })) },
    i < tracks.length - 1 && { label: 'Move down', icon: 'down', run: () => change(() => api.patch(`${path}/entries/${entryIndex[i]}`, { index: entryIndex[i + 1] })) },
    { label: 'Remove from playlist', icon: 'trash', run: () => change(() => api.delete(`${path}/entries/${entryIndex[i]}`), `Removed "${track.title}"`) },
  ] : []);

  container.append(
    h('header', { class: 'page-header' },
      h('div', { class: 'artist-avatar large' }, icon('playlist', { size: 64 })),
      h('div', {},
        h('p', { class: 'eyebrow' }, mine ? 'Your playlist' : `Playlist by ${playlist.owner}`),
        pageHeading(playlist.name),
        playlist.comment && h('p', {}, playlist.comment),
        h('p', { class: 'muted' }, [count(playlist.entryCount, 'track'), duration(playlist.durationMs), missing && `${missing} no longer in the library`].filter(Boolean).join(' · ')),
        h('div', { class: 'actions' },
          h('button', { type: 'button', class: 'button', disabled: !tracks.length, onclick: () => player.playTracks(tracks) }, icon('play'), 'Play'),
          h('button', { type: 'button', class: 'button secondary', disabled: !tracks.length, onclick: () => { player.playTracks(tracks); player.setShuffle(true); } }, icon('shuffle'), 'Shuffle'),
          mine && h('button', { type: 'button', class: 'button secondary', onclick: remove }, icon('trash'), 'Delete playlist')))),
    tracks.length
      ? trackList(ctx, tracks, { extraItems, label: `Tracks of ${playlist.name}` })
      : h('p', { class: 'empty' }, 'This playlist is empty. Add tracks from their menu (⋮ → Add to playlist).'));

  async function remove() {
    if (!confirm(`Delete the playlist "${playlist.name}"?`)) return;
    try {
      await api.delete(path);
      toast(`Deleted ${playlist.name}`);
      navigate('/playlists');
    } catch (error) {
      toast(`Could not delete the playlist: ${error.message}`, { kind: 'error' });
    }
  }
}
