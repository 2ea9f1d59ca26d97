// The web player's placeholder: log in, show who is signed in, log out (docs/web.md).
const SESSION = '/api/v1/auth/session';

const $ = (id) => document.getElementById(id);
let csrfToken = null;

function show(user) {
  $('status').textContent = user ? '' : 'Please log in.';
  $('login').hidden = Boolean(user);
  $('signed-in').hidden = !user;
  $('who').textContent = user ? user.username : '';
  if (!user) {
    $('username').focus();
  }
}

async function restore() {
  try {
    const answer = await fetch(SESSION, { headers: { Accept: 'application/json' } });
    if (answer.ok) {
      const session = await answer.json();
      csrfToken = session.csrfToken;
      show(session.user);
    } else {
      show(null);
    }
  } catch {
    $('status').textContent = 'The server is unreachable; reload the page to try again.';
  }
}

async function login(event) {
  event.preventDefault();
  const error = $('login-error');
  error.hidden = true;
  try {
    const answer = await fetch(SESSION, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify({ username: $('username').value, password: $('password').value }),
    });
    if (answer.ok) {
      const session = await answer.json();
      csrfToken = session.csrfToken;
      $('password').value = '';
      show(session.user);
      return;
    }
    const problem = await answer.json().catch(() => ({}));
    error.textContent =
      answer.status === 401 ? 'Wrong username or password.' : problem.detail || 'Login failed.';
  } catch {
    error.textContent = 'The server is unreachable.';
  }
  error.hidden = false;
}

async function logout() {
  await fetch(SESSION, { method: 'DELETE', headers: { 'X-Cadenza-CSRF': csrfToken ?? '' } });
  csrfToken = null;
  show(null);
}

$('login').addEventListener('submit', login);
$('logout').addEventListener('click', logout);
restore();
