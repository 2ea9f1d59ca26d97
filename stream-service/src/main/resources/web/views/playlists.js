import { h, pageHeading, duration } from '../dom.js';
import { icon } from '../icons.js';
import { count } from '../components/cards.js';

export async function render(container, ctx) {
  const { api, signal, toast, navigate, user } = ctx;
  const { items } = await api.get('/api/v1/playlists', { signal });
  const name = h('input', { type: 'text', id: 'playlist-name', required: true, maxlength: '200', autocomplete: 'off' });
  const form = h('form', { class: 'inline-form', onsubmit: create },
    h('label', { for: 'playlist-name' }, 'New playlist'), name,
    h('button', { type: 'submit', class: 'button' }, icon('plus'), 'Create'));
  container.append(pageHeading('Playlists'), form);
  container.append(items.length
    ? h('ul', { class: 'playlist-list', 'aria-label': 'Playlists' }, items.map((p) => h('li', {},
      h('a', { class: 'playlist-card', href: `#/playlists/${p.id}` },
        h('span', { class: 'artist-avatar' }, icon('playlist', { size: 28 })),
        h('span', { class: 'artist-name' }, p.name),
        h('span', { class: 'muted' }, [count(p.entryCount, 'track'), duration(p.durationMs), p.ownerId === user.id ? (p.public ? 'public' : 'private') : `by ${p.owner}`].join(' · '))))))
    : h('p', { class: 'empty' }, 'No playlists yet: create one above, or add tracks from their menu.'));

  async function create(event) {
    event.preventDefault();
    const value = name.value.trim();
    if (!value) return name.focus();
    try {
      const playlist = await api.post('/api/v1/playlists', { name: value });
      toast(`Created ${playlist.name}`);
      navigate(`/playlists/${playlist.id}`);
    } catch (error) {
      toast(`Could not create the playlist: ${error.message}`, { kind: 'error' });
    }
  }
}
