// The sign-in form. Not a route: the app shows it whenever there is no session.

import { h } from '../dom.js';
import { icon } from '../icons.js';

export function render(container, { api, message, onSignedIn }) {
  const error = h('p', { class: 'form-error', id: 'login-error', role: 'alert' }, message ?? '');
  const username = h('input', { id: 'username', name: 'username', autocomplete: 'username', required: true, autocapitalize: 'none', spellcheck: 'false' });
  const password = h('input', { id: 'password', name: 'password', type: 'password', autocomplete: 'current-password', required: true });
  const submit = h('button', { type: 'submit', class: 'button' }, 'Sign in');
  const form = h('form', { class: 'login-form', 'aria-describedby': 'login-error' },
    h('div', { class: 'brand-large' }, icon('music', { size: 40 }), h('span', {}, 'Cadenza')),
    h('h1', { class: 'page-title', tabindex: '-1' }, 'Sign in'),
    error,
    h('label', { for: 'username' }, 'Username'), username,
    h('label', { for: 'password' }, 'Password'), password,
    submit);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    submit.disabled = true;
    error.textContent = '';
    try {
      const user = await api.login(username.value.trim(), password.value);
      onSignedIn(user);
    } catch (e) {
      error.textContent = e.status === 401 ? 'Wrong username or password.'
        : e.unreachable ? 'The server is unreachable. Check your connection and try again.'
          : `${e.title}${e.detail ? `: ${e.detail}` : ''}`;
      submit.disabled = false;
      password.select();
    }
  });
  container.replaceChildren(h('main', { class: 'login' }, form));
  document.title = 'Sign in · Cadenza';
  username.focus(); // the message, if any, is announced: it is an alert
}
