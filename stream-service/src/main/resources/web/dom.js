// Small DOM helpers: the app builds its elements with h() instead of HTML strings, so no value from
// the catalogue is ever parsed as markup.

export function h(tag, props, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props ?? {})) {
    if (value == null || value === false) continue;
    if (key === 'class') el.className = value;
    else if (key === 'text') el.textContent = value;
    else if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2), value);
    else if (key in el && typeof value !== 'string') el[key] = value;
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  append(el, children);
  return el;
}

export function append(parent, children) {
  for (const child of children.flat(Infinity)) {
    if (child == null || child === false) continue;
    parent.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return parent;
}

export function clear(el) {
  el.replaceChildren();
  return el;
}

/** "3:07" or "1:02:03" from milliseconds or seconds. */
export function duration(ms) {
  if (!Number.isFinite(ms) || ms < 0) return '–:––';
  const total = Math.floor(ms / 1000);
  const s = String(total % 60).padStart(2, '0');
  const m = Math.floor(total / 60) % 60;
  const hours = Math.floor(total / 3600);
  return hours ? `${hours}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

export function debounce(fn, ms) {
  let timer;
  const debounced = (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), ms);
  };
  debounced.flush = (...args) => {
    clearTimeout(timer);
    fn(...args);
  };
  debounced.cancel = () => clearTimeout(timer);
  return debounced;
}

/** A heading that receives focus after a route change, so screen readers announce the new page. */
export function pageHeading(text, ...extra) {
  return h('h1', { class: 'page-title', tabindex: '-1' }, text, ...extra);
}

/**
 * Shows `dialog` as a modal: appended to the page, removed when closed. A modal dialog is drawn
 * above everything else and makes the rest of the page inert, so opening and closing one is
 * announced on `document` ('modalchange'): the notices move into it (notices.js).
 */
export function showModal(dialog) {
  const changed = () => document.dispatchEvent(new Event('modalchange'));
  dialog.addEventListener('close', () => {
    dialog.remove();
    changed();
  });
  document.body.append(dialog);
  dialog.showModal();
  changed();
}

export function isAbort(error) {
  return error?.name === 'AbortError';
}
