// Toasts (short messages that go away) and the banner (a lasting condition with an action).

import { h } from './dom.js';

const TOAST_MS = 5000;

export function createNotices(root) {
  const toasts = h('div', { class: 'toasts', role: 'status', 'aria-live': 'polite' });
  const banner = h('div', { class: 'banner', role: 'alert', hidden: true });
  root.append(banner, toasts);

  function toast(message, { kind = 'info' } = {}) {
    const el = h('div', { class: `toast toast-${kind}` }, message);
    toasts.append(el);
    setTimeout(() => el.remove(), TOAST_MS);
  }

  function showBanner(message, action) {
    banner.replaceChildren(
      h('span', {}, message),
      action && h('button', { type: 'button', class: 'button', onclick: action.run }, action.label),
    );
    banner.hidden = false;
  }

  function hideBanner() {
    banner.hidden = true;
    banner.replaceChildren();
  }

  return { toast, showBanner, hideBanner };
}
