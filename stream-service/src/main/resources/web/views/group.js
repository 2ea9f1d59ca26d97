// "#/group": start a session or join one; "#/group/<id>": join it (a button: browsers let a page
// play sound only after a gesture), then its members, play/pause/seek for everyone, and how well
// this page knows the media clock. Once joined, both routes show the session until it is left:
// the membership outlives the view (sync/membership.js).

import { h, clear, duration, pageHeading } from '../dom.js';
import { MediaClock } from '../sync/clock.js';
import { GroupPlayback } from '../sync/group.js';
import { GroupMembership } from '../sync/membership.js';

const NAME_KEY = 'cadenza.group.name';
const CONNECTION_NOTES = {
  connecting: 'Connecting…',
  reconnecting: 'Reconnecting…',
  unreachable: 'The server is unreachable; reconnecting…',
};

/** The session this page is in, kept while the user is on other pages; null when in none. */
let membership = null;
/**
 * The session this page saw end: its link keeps saying so when the view is drawn again (the page
 * redraws it when the server answers again after an outage), instead of offering to join it.
 */
let endedSessionId = null;

/**
 * The session this page is in (its GroupPlayback, MediaClock and AudioContext), or null. Nothing in
 * the page calls it: the browser tests and bench/web-sync.sh import this module as the page loaded
 * it and read the membership from here, instead of the app putting it on a global.
 */
export function joinedMembership() {
  return membership?.ended ? null : membership;
}

export async function render(container, ctx) {
  if (membership?.ended) membership = null;
  const sessionId = ctx.params?.sessionId;
  if (sessionId && sessionId === endedSessionId) return endedView(container);
  if (membership && (!sessionId || sessionId === membership.sessionId)) return sessionView(container, ctx, membership);
  return sessionId ? joinView(container, ctx, sessionId) : startView(container, ctx);
}

function startView(container, { api, navigate, toast }) {
  const name = h('input', { id: 'group-name', name: 'name', maxlength: 100, placeholder: 'Living room', autocomplete: 'off' });
  const link = h('input', { id: 'group-link', name: 'session', required: true, autocomplete: 'off', placeholder: 'A link or session id' });
  const create = async (event) => {
    event.preventDefault();
    try {
      const session = await GroupPlayback.create(api, name.value.trim());
      navigate(`/group/${session.id}`);
    } catch (error) {
      toast(messageOf(error), { kind: 'error' });
    }
  };
  const join = (event) => {
    event.preventDefault();
    const id = sessionIdOf(link.value);
    if (id) navigate(`/group/${id}`);
    else toast('That is not a session link or id: it ends in 22 letters, digits, "-" or "_".', { kind: 'error' });
  };
  container.append(
    pageHeading('Listen together'),
    h('p', { class: 'muted' }, 'Everyone in a session hears the same track at the same moment, on the server\'s media clock.'),
    h('form', { class: 'inline-form', onsubmit: create },
      h('h2', {}, 'Start a session'),
      h('label', { for: 'group-name' }, 'Name (optional)'), name,
      h('button', { type: 'submit', class: 'button' }, 'Start')),
    h('form', { class: 'inline-form', onsubmit: join },
      h('h2', {}, 'Join a session'),
      h('label', { for: 'group-link' }, 'Link or id'), link,
      h('button', { type: 'submit', class: 'button' }, 'Join')),
  );
}

/** The session id in a link (".../#/group/<id>") or the id itself; null otherwise. */
export function sessionIdOf(text) {
  const match = /(?:^|\/)([A-Za-z0-9_-]{22})\/?$/.exec(text.trim());
  return match ? match[1] : null;
}

function joinView(container, ctx, sessionId) {
  const { api, player, toast } = ctx;
  const memberName = h('input', { id: 'member-name', name: 'member', maxlength: 100, required: true,
    value: localStorage.getItem(NAME_KEY) ?? ctx.user?.username ?? 'Browser', autocomplete: 'nickname' });
  let teardown = () => {};
  const join = async (event) => {
    event.preventDefault();
    localStorage.setItem(NAME_KEY, memberName.value.trim());
    // created in the click: a context made without a gesture starts suspended
    const audioContext = new AudioContext({ latencyHint: 'playback' });
    const clock = new MediaClock();
    const group = new GroupPlayback({ api, clock, audioContext });
    try {
      await group.join(sessionId, memberName.value.trim());
    } catch (error) {
      audioContext.close();
      toast(messageOf(error), { kind: 'error' });
      return;
    }
    await membership?.leave(); // one session at a time
    membership = new GroupMembership({ sessionId, group, clock, audioContext, player, notice: ctx.notice });
    // noted whichever view is showing then (ended, not left: Leave sends no 'ended')
    group.addEventListener('ended', () => { endedSessionId = sessionId; }, { once: true });
    teardown = sessionView(clear(container), ctx, membership);
  };
  container.append(
    pageHeading('Join the session'),
    membership ? h('p', { class: 'muted' }, 'Joining this session leaves the one you are in.') : '',
    h('form', { class: 'inline-form', onsubmit: join },
      h('label', { for: 'member-name' }, 'Your name in the session'), memberName,
      h('button', { type: 'submit', class: 'button' }, 'Join and listen')),
  );
  return () => teardown();
}

function endedView(container) {
  container.dataset.state = 'ENDED';
  container.append(
    pageHeading('Session'),
    h('p', { class: 'group-status', role: 'status' }, 'Your session ended.'),
    h('p', {}, h('a', { href: '#/group' }, 'Start or join another session')),
  );
}

function sessionView(container, { api, navigate, signal }, joined) {
  const { sessionId, group, clock } = joined;
  const title = pageHeading('Session');
  const status = h('p', { class: 'group-status', role: 'status' }, 'Connecting…');
  const clockLine = h('p', { class: 'muted group-clock' }, 'Offset to the media clock: measuring…');
  const members = h('ul', { class: 'plain-list group-members' });
  const track = h('p', { class: 'group-track' }, 'Nothing played yet.');
  const position = h('input', { type: 'range', min: 0, max: 0, step: 1000, value: 0, 'aria-label': 'Position', disabled: true });
  const time = h('span', { class: 'group-time' }, '–:––');
  const toggle = h('button', { type: 'button', class: 'button', disabled: true }, 'Play');
  const search = h('input', { type: 'search', id: 'group-search', placeholder: 'Find a track to play for everyone', autocomplete: 'off' });
  const results = h('ul', { class: 'plain-list group-results', 'aria-label': 'Tracks found' });
  const share = `${location.origin}${location.pathname}#/group/${encodeURIComponent(sessionId)}`;
  let trackTitles = new Map();
  let seeking = false;

  // the status line: a problem (until the next good news), else the connection, else the playback
  let connection = group.connection;
  let playbackNote = '';
  let problem = '';
  const showStatus = () => {
    container.dataset.connection = connection;
    status.textContent = problem || CONNECTION_NOTES[connection] || playbackNote || 'Connected.';
  };
  const showProblem = (message) => {
    problem = message;
    showStatus();
  };
  const act = (promise) => promise.then(() => { problem = ''; showStatus(); }, (error) => showProblem(messageOf(error)));

  toggle.addEventListener('click', () => {
    const playback = group.session?.playback;
    act(playback?.state === 'PLAYING' ? group.pause() : group.play());
  });
  position.addEventListener('input', () => { seeking = true; });
  position.addEventListener('change', () => {
    seeking = false;
    act(group.seek(Number(position.value) * 1000));
  });
  let searchTimer;
  search.addEventListener('input', () => {
    clearTimeout(searchTimer);
    searchTimer = setTimeout(() => act(findTracks(search.value)), 200);
  });
  async function findTracks(q) {
    const page = await api.get('/api/v1/tracks', { query: { q, limit: 10 } });
    results.replaceChildren(...page.items.map((t) => h('li', {},
      h('button', { type: 'button', class: 'link-button', onclick: () => act(group.play({ trackId: t.id })) },
        `${t.title}${t.artist ? ` — ${t.artist}` : ''}`))));
    for (const t of page.items) trackTitles.set(t.id, t.title);
  }

  async function titleOf(trackId) {
    if (!trackTitles.has(trackId)) {
      trackTitles.set(trackId, api.get(`/api/v1/tracks/${encodeURIComponent(trackId)}`).then((t) => t.title, () => 'Unknown track'));
    }
    return trackTitles.get(trackId);
  }

  group.addEventListener('change', async ({ detail: session }) => {
    title.textContent = session.name || 'Session';
    members.replaceChildren(...session.members.map((m) =>
      h('li', {}, m.name || 'Unnamed', m.id === group.member?.id ? ' (you)' : '')));
    const { playback } = session;
    toggle.disabled = playback.state === 'STOPPED';
    toggle.textContent = playback.state === 'PLAYING' ? 'Pause' : 'Play';
    position.disabled = playback.state === 'STOPPED';
    position.max = String(Math.round(playback.durationMicros / 1000));
    container.dataset.state = playback.state;
    if (playback.state === 'PAUSED') playbackNote = 'Paused for everyone.';
    else if (playback.state === 'STOPPED') playbackNote = 'Nothing played yet: find a track below.';
    showStatus();
    if (playback.trackId) track.textContent = `${playback.state === 'PAUSED' ? 'Paused' : 'Playing'}: ${await titleOf(playback.trackId)}`;
  }, { signal });
  group.addEventListener('scheduled', ({ detail }) => {
    container.dataset.scheduled = String((Number(container.dataset.scheduled) || 0) + 1);
    playbackNote = detail.late ? 'Playing: joined in step with the others.' : 'Playing in step.';
    showStatus();
  }, { signal });
  group.addEventListener('connection', ({ detail }) => {
    connection = detail;
    showStatus();
  }, { signal });
  group.addEventListener('problem', ({ detail }) => showProblem(detail.message || messageOf(detail)), { signal });
  const showEnded = ({ detail }) => {
    container.dataset.state = 'ENDED';
    connection = 'ended';
    showProblem(detail?.reason === 'removed' ? 'You were removed from the session.' : 'Your session ended.');
    toggle.disabled = position.disabled = search.disabled = true;
  };
  group.addEventListener('ended', showEnded, { signal });
  const showClock = ({ detail: estimate }) => {
    clockLine.textContent = `Offset to the media clock: ${ms(estimate.offsetMicros)} ms ± ${ms(estimate.errorMicros)} ms`;
  };
  clock.addEventListener('update', showClock, { signal });
  clock.addEventListener('error', () => {
    clockLine.textContent = clock.synced ? clockLine.textContent : 'Offset to the media clock: the server does not answer.';
  }, { signal });

  const tick = setInterval(() => {
    const session = group.session;
    if (!session || seeking) return;
    const now = group.positionNow() ?? 0;
    position.value = String(Math.round(now / 1000));
    time.textContent = `${duration(now / 1000)} / ${duration(session.playback.durationMicros / 1000)}`;
  }, 250);

  container.append(
    title, status,
    h('p', { class: 'group-share' }, 'Share this link: ', h('a', { href: share }, share)),
    h('section', { class: 'section', 'aria-label': 'Playback' }, track, h('div', { class: 'actions' }, toggle, position, time)),
    h('section', { class: 'section', 'aria-label': 'Play a track' },
      h('div', { class: 'inline-form' }, h('label', { for: 'group-search' }, 'Play a track for everyone'), search), results),
    h('section', { class: 'section', 'aria-labelledby': 'group-members-title' }, h('h2', { id: 'group-members-title' }, 'Members'), members),
    clockLine,
    h('div', { class: 'actions' }, h('button', { type: 'button', class: 'button secondary', onclick: leave }, 'Leave')),
  );
  async function leave() {
    await joined.leave();
    navigate('/group');
  }
  // back from another page: the session as it is now
  if (group.session) group.dispatchEvent(new CustomEvent('change', { detail: group.session }));
  const estimate = clock.estimate();
  if (estimate) showClock({ detail: estimate });

  // this view says when the session ends; on other pages the membership's notice does
  joined.watched = true;

  // leaving the view is not leaving the session: the membership stays (sync/membership.js)
  return () => {
    joined.watched = false;
    clearInterval(tick);
    clearTimeout(searchTimer);
  };
}

function ms(micros) {
  return (micros / 1000).toFixed(1);
}

function messageOf(error) {
  if (error?.status === 0) return 'The server is unreachable. Check your connection and try again.';
  if (error?.status === 404) return 'Your session ended (or the link is wrong).';
  return error?.detail || error?.message || 'Something went wrong.';
}
