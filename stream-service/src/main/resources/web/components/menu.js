// A menu button (WAI-ARIA menu pattern): arrows move, Escape closes and returns focus, Tab leaves.

import { h } from '../dom.js';
import { icon } from '../icons.js';

let open = null; // the one open menu: {close}

export function menuButton({ label, iconName = 'more', text, items, className = 'icon-button' }) {
  const button = h('button', { type: 'button', class: className, 'aria-haspopup': 'menu', 'aria-expanded': 'false', 'aria-label': text ? null : label },
    icon(iconName), text && h('span', {}, text));
  const wrapper = h('div', { class: 'menu-wrapper' }, button);

  function close({ focus = true } = {}) {
    wrapper.querySelector('[role=menu]')?.remove();
    button.setAttribute('aria-expanded', 'false');
    document.removeEventListener('pointerdown', outside, true);
    if (open?.button === button) open = null;
    if (focus) button.focus();
  }

  function outside(event) {
    if (!wrapper.contains(event.target)) close({ focus: false });
  }

  function show() {
    open?.close({ focus: false });
    const entries = (typeof items === 'function' ? items() : items).filter(Boolean);
    const menu = h('div', { role: 'menu', class: 'menu', 'aria-label': label },
      entries.map((item) => h('button', {
        type: 'button', role: 'menuitem', tabindex: '-1', class: 'menu-item',
        onclick: () => {
          close();
          item.run();
        },
      }, item.icon && icon(item.icon, { size: 18 }), item.label)));
    menu.addEventListener('keydown', (event) => {
      const buttons = [...menu.querySelectorAll('[role=menuitem]')];
      const at = buttons.indexOf(document.activeElement);
      const go = (i) => buttons[(i + buttons.length) % buttons.length]?.focus();
      if (event.key === 'ArrowDown') go(at + 1);
      else if (event.key === 'ArrowUp') go(at - 1);
      else if (event.key === 'Home') go(0);
      else if (event.key === 'End') go(buttons.length - 1);
      else if (event.key === 'Escape') close();
      else if (event.key === 'Tab') close({ focus: false });
      else return;
      if (event.key !== 'Tab') event.preventDefault();
      event.stopPropagation();
    });
    wrapper.append(menu);
    // Near the bottom of the scrolling area (above the player bar) the menu opens upwards.
    const limit = wrapper.closest('main')?.getBoundingClientRect().bottom ?? innerHeight;
    if (menu.getBoundingClientRect().bottom > limit) menu.classList.add('menu-up');
    button.setAttribute('aria-expanded', 'true');
    document.addEventListener('pointerdown', outside, true);
    open = { button, close };
    menu.querySelector('[role=menuitem]')?.focus();
  }

  button.addEventListener('click', () => (button.getAttribute('aria-expanded') === 'true' ? close() : show()));
  button.addEventListener('keydown', (event) => {
    if (event.key === 'ArrowDown') {
      event.preventDefault();
      show();
    }
  });
  return wrapper;
}
