// Toasts (short messages that go away), the banner (a lasting condition with an action) and the
// notice (something that happened while the user looked elsewhere: it stays until dismissed).
//
// While a modal dialog is open they live inside it: the dialog is drawn in the top layer, above any
// z-index, and the rest of the page is inert under its backdrop, so a message left outside would be
// dimmed, unclickable and not announced.

import { h } from './dom.js';

const TOAST_MS = 5000;

export function createNotices(root) {
  const toasts = h('div', { class: 'toasts', role: 'status', 'aria-live': 'polite' });
  const banner = h('div', { class: 'banner', role: 'alert', hidden: true });
  const notice = h('div', { class: 'notice', role: 'status', hidden: true });
  root.append(banner, notice, toasts);

  function place() {
    const modals = document.querySelectorAll('dialog:modal');
    const host = modals[modals.length - 1] ?? root;
    if (banner.parentNode !== host) host.append(banner, notice, toasts);
  }
  document.addEventListener('modalchange', place);

  function toast(message, { kind = 'info' } = {}) {
    const el = h('div', { class: `toast toast-${kind}` }, message);
    place();
    toasts.append(el);
    setTimeout(() => el.remove(), TOAST_MS);
  }

  function showBanner(message, action) {
    banner.replaceChildren(
      h('span', {}, message),
      action && h('button', { type: 'button', class: 'button', onclick: action.run }, action.label),
    );
    place();
    banner.hidden = false;
  }

  function hideBanner() {
    banner.hidden = true;
    banner.replaceChildren();
  }

  /** Shows `message` with `action` (optional) and Dismiss; either button hides it. */
  function showNotice(message, action) {
    const button = (label, run, kind = '') => h('button', {
      type: 'button', class: `button ${kind}`.trim(), onclick: () => { hideNotice(); run?.(); },
    }, label);
    notice.replaceChildren(
      h('span', {}, message),
      action && button(action.label, action.run),
      button('Dismiss', null, 'secondary'),
    );
    place();
    notice.hidden = false;
  }

  function hideNotice() {
    notice.hidden = true;
    notice.replaceChildren();
  }

  return { toast, showBanner, hideBanner, showNotice };
}
