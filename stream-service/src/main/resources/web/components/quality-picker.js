// "Streaming quality": a modal dialog of radio buttons, saved per device (quality.js).

import { h } from '../dom.js';
import { QUALITIES, describe, saveQuality } from '../quality.js';

export function showQualityPicker(player) {
  const choice = (quality) => {
    const id = `quality-${quality.id}`;
    const radio = h('input', { type: 'radio', name: 'quality', id, value: quality.id, checked: quality.id === player.quality.id });
    radio.addEventListener('change', () => {
      saveQuality(quality);
      player.setQuality(quality);
    });
    return h('div', { class: 'radio-row' }, radio, h('label', { for: id }, describe(quality, player.format)));
  };
  const dialog = h('dialog', { class: 'dialog', 'aria-labelledby': 'quality-title' },
    h('h2', { id: 'quality-title' }, 'Streaming quality'),
    h('fieldset', { class: 'radio-group', 'aria-labelledby': 'quality-title', 'aria-describedby': 'quality-help' },
      QUALITIES.map(choice)),
    h('p', { id: 'quality-help', class: 'muted' },
      'For this device. Below Original the server transcodes the track to the format this browser plays best; the first play of a track at a quality starts a little later.'),
    h('div', { class: 'dialog-actions' }, h('button', { type: 'button', class: 'button', onclick: () => dialog.close() }, 'Close')));
  dialog.addEventListener('close', () => dialog.remove());
  document.body.append(dialog);
  dialog.showModal();
}
