// "Add to playlist": a modal dialog listing the listener's playlists, or a new one.

import { h, showModal } from '../dom.js';

export async function addToPlaylist(ctx, tracks) {
  const { api, toast, user } = ctx;
  const trackIds = tracks.map((t) => t.id);
  let playlists;
  try {
    playlists = (await api.get('/api/v1/playlists')).items.filter((p) => p.ownerId === user.id || p.owner === user.username);
  } catch (error) {
    toast(`Could not load your playlists: ${error.message}`, { kind: 'error' });
    return;
  }
  const what = tracks.length === 1 ? `"${tracks[0].title}"` : `${tracks.length} tracks`;
  const nameInput = h('input', { type: 'text', id: 'new-playlist-name', required: true, maxlength: '200', autocomplete: 'off' });
  const dialog = h('dialog', { class: 'dialog', 'aria-labelledby': 'playlist-dialog-title' },
    h('h2', { id: 'playlist-dialog-title' }, `Add ${what} to a playlist`),
    playlists.length ? h('ul', { class: 'plain-list' }, playlists.map((p) => h('li', {},
      h('button', { type: 'button', class: 'list-button', onclick: () => add(p) }, p.name, h('span', { class: 'muted' }, ` · ${p.entryCount} tracks`))))) : null,
    h('form', { class: 'inline-form', onsubmit: create },
      h('label', { for: 'new-playlist-name' }, 'New playlist'), nameInput,
      h('button', { type: 'submit', class: 'button' }, 'Create and add')),
    h('div', { class: 'dialog-actions' }, h('button', { type: 'button', class: 'button secondary', onclick: () => dialog.close() }, 'Cancel')));
  showModal(dialog);

  async function add(playlist) {
    try {
      await api.post(`/api/v1/playlists/${playlist.id}/entries`, { trackIds });
      toast(`Added ${what} to ${playlist.name}`);
      dialog.close();
    } catch (error) {
      toast(`Could not add to ${playlist.name}: ${error.message}`, { kind: 'error' });
    }
  }

  async function create(event) {
    event.preventDefault();
    const name = nameInput.value.trim();
    if (!name) return nameInput.focus();
    try {
      await api.post('/api/v1/playlists', { name, trackIds });
      toast(`Created ${name} with ${what}`);
      dialog.close();
    } catch (error) {
      toast(`Could not create the playlist: ${error.message}`, { kind: 'error' });
    }
  }
}
