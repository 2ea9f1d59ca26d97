// Placeholder until group playback (web/sync/) lands: the route exists so links to it work.

import { h, pageHeading } from '../dom.js';

export function render(container) {
  container.append(pageHeading('Group playback'), h('p', { class: 'muted' }, 'Group playback — coming.'));
}
