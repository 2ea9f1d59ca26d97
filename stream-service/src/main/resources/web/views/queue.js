// The play queue: reorder by dragging a row's handle (mouse or touch) or with its Move up/down
// buttons, remove, clear.

import { h, pageHeading, duration } from '../dom.js';
import { icon } from '../icons.js';
import { dragToReorder } from '../components/reorder.js';

export function render(container, ctx) {
  const { player, signal } = ctx;
  const list = h('ol', { class: 'track-list queue-list', 'aria-label': 'Queue' });
  const summary = h('p', { class: 'muted', 'aria-live': 'polite' });
  const shuffle = h('button', { type: 'button', class: 'button secondary', onclick: () => player.setShuffle(!player.shuffle) }, icon('shuffle'), 'Shuffle');
  const repeat = h('button', { type: 'button', class: 'button secondary', onclick: () => player.cycleRepeat() });
  const clearButton = h('button', { type: 'button', class: 'button secondary', onclick: () => player.clear() }, icon('trash'), 'Clear');
  container.append(pageHeading('Queue'), summary, h('div', { class: 'actions' }, shuffle, repeat, clearButton), list);
  dragToReorder(list, (from, to) => player.move(from, to), { signal });

  function draw() {
    const queue = player.queue;
    const total = queue.reduce((sum, t) => sum + (t.durationMs ?? 0), 0);
    summary.textContent = queue.length ? `${queue.length} track${queue.length === 1 ? '' : 's'} · ${duration(total)}` : 'The queue is empty. Play an album, or add tracks from their menu.';
    shuffle.setAttribute('aria-pressed', String(player.shuffle));
    repeat.replaceChildren(icon(player.repeat === 'one' ? 'repeatOne' : 'repeat'), `Repeat: ${player.repeat}`);
    clearButton.disabled = !queue.length;
    const focused = document.activeElement?.dataset?.action;
    const focusedIndex = document.activeElement?.closest?.('.track-row')?.dataset.index;
    list.replaceChildren(...queue.map((track, i) => h('li', {
      class: 'track-row', 'data-index': String(i), 'data-track-id': track.id,
      'aria-current': i === player.index ? 'true' : null,
    },
    h('span', { class: 'drag-handle', title: 'Drag to reorder', 'aria-hidden': 'true' }, icon('grip', { size: 20 })),
    h('div', { class: 'track-index' }, h('span', { class: 'track-number', 'aria-hidden': 'true' }, i + 1),
      h('button', { type: 'button', class: 'track-play', 'aria-label': `Play ${track.title}`, onclick: () => player.jump(i) }, icon('play', { size: 18 }))),
    h('div', { class: 'track-main' }, h('span', { class: 'track-title' }, track.title), h('span', { class: 'track-artist muted' }, track.artist ?? '')),
    h('span', { class: 'track-duration muted' }, duration(track.durationMs)),
    h('button', { type: 'button', class: 'icon-button', 'data-action': 'up', 'aria-label': `Move ${track.title} up`, disabled: i === 0, onclick: () => player.move(i, i - 1) }, icon('up')),
    h('button', { type: 'button', class: 'icon-button', 'data-action': 'down', 'aria-label': `Move ${track.title} down`, disabled: i === queue.length - 1, onclick: () => player.move(i, i + 1) }, icon('down')),
    h('button', { type: 'button', class: 'icon-button', 'data-action': 'remove', 'aria-label': `Remove ${track.title} from the queue`, onclick: () => player.remove(i) }, icon('close')))));
    // Keep the keyboard where it was after a move: on the same button of the moved row.
    if (focused && focusedIndex != null) {
      const delta = focused === 'up' ? -1 : focused === 'down' ? 1 : 0;
      const row = list.children[Number(focusedIndex) + delta] ?? list.lastElementChild;
      const target = row?.querySelector(`[data-action=${focused}]:not([disabled])`) ?? row?.querySelector('.track-play');
      target?.focus();
    }
  }
  player.addEventListener('queuechange', draw, { signal });
  draw();
}
