// A rating as five radio buttons (keyboard: arrows), drawn as stars, and a way to clear it.

import { h } from '../dom.js';
import { icon } from '../icons.js';

let counter = 0;

export function ratingControl({ kind, id, label, annotations, toast, signal }) {
  const name = `rating-${++counter}`;
  const labels = [];
  const inputs = [];
  const fieldset = h('fieldset', { class: 'rating' }, h('legend', { class: 'visually-hidden' }, label));
  for (let value = 1; value <= 5; value++) {
    const inputId = `${name}-${value}`;
    const input = h('input', { type: 'radio', name, id: inputId, value: String(value), class: 'visually-hidden' });
    const text = `${value} star${value > 1 ? 's' : ''}`;
    const labelEl = h('label', { for: inputId, title: text }, icon('starFilled', { size: 20 }), h('span', { class: 'visually-hidden' }, text));
    input.addEventListener('change', () => set(value));
    inputs.push(input);
    labels.push(labelEl);
    fieldset.append(input, labelEl);
  }
  const clearButton = h('button', { type: 'button', class: 'link-button', onclick: () => set(0) }, 'Clear');
  fieldset.append(clearButton);

  function show() {
    const rating = annotations.get(kind, id).rating;
    inputs.forEach((input, i) => (input.checked = i + 1 === rating));
    labels.forEach((l, i) => {
      l.classList.toggle('on', i < rating);
      l.firstChild.replaceWith(icon(i < rating ? 'starFilled' : 'star', { size: 20 }));
    });
    clearButton.hidden = rating === 0;
  }

  async function set(value) {
    try {
      await annotations.setRating(kind, id, value);
    } catch (error) {
      toast(`Could not save the rating: ${error.message}`, { kind: 'error' });
      show();
    }
  }

  annotations.events.addEventListener('change', (e) => e.detail.id === id && show(), { signal });
  show();
  return fieldset;
}
