// Keyboard shortcuts, and the "?" overlay that lists them.

import { h, showModal } from './dom.js';

export const SHORTCUTS = [
  ['Space', 'Play or pause'],
  ['← / →', 'Seek back or forward 5 seconds'],
  ['n / p', 'Next or previous track'],
  ['/', 'Search'],
  ['s', 'Star or unstar the track playing'],
  ['q', 'Show the queue'],
  ['?', 'Show these shortcuts'],
];

const SEEK_STEP_S = 5;

export function bindShortcuts({ player, annotations, navigate, toast }) {
  document.addEventListener('keydown', (event) => {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
    const target = event.target;
    // Typing in a field, or a control that takes these keys itself (a slider, a menu, a dialog).
    if (target.closest?.('input, textarea, select, [contenteditable], [role=menu], dialog')) return;
    const onButton = target.closest?.('button, a, summary');
    switch (event.key) {
      case ' ':
        if (onButton) return; // space presses the focused button
        player.toggle();
        break;
      case 'ArrowLeft':
        player.seekBy(-SEEK_STEP_S);
        break;
      case 'ArrowRight':
        player.seekBy(SEEK_STEP_S);
        break;
      case 'n':
        player.next();
        break;
      case 'p':
        player.previous();
        break;
      case '/':
        document.getElementById('search')?.focus();
        break;
      case 'q':
        navigate('/queue');
        break;
      case 's': {
        const track = player.current;
        if (!track) return;
        const starred = !annotations.get('track', track.id).starred;
        annotations.setStarred('track', track.id, starred)
          .then(() => toast(`${starred ? 'Starred' : 'Unstarred'} "${track.title}"`))
          .catch((error) => toast(`Could not star: ${error.message}`, { kind: 'error' }));
        break;
      }
      case '?':
        showShortcuts();
        break;
      default:
        return;
    }
    event.preventDefault();
  });
}

export function showShortcuts() {
  const dialog = h('dialog', { class: 'dialog', 'aria-labelledby': 'shortcuts-title' },
    h('h2', { id: 'shortcuts-title' }, 'Keyboard shortcuts'),
    h('dl', { class: 'shortcuts' }, SHORTCUTS.map(([keys, what]) => [h('dt', {}, h('kbd', {}, keys)), h('dd', {}, what)])),
    h('div', { class: 'dialog-actions' }, h('button', { type: 'button', class: 'button', onclick: () => dialog.close() }, 'Close')));
  showModal(dialog);
}
