// Keeps the player's queue in the listener's play queue on the server (PUT /api/v1/me/queue), so it
// follows them to another browser or a Subsonic player, and restores it at start.

import { debounce } from './dom.js';

const SAVE_DELAY_MS = 1000; // a burst of edits (reordering, a whole album added) is one request
export const CLIENT = 'Cadenza Web';

export async function restoreQueue(api, player) {
  const saved = await api.get('/api/v1/me/queue');
  // An entry whose track left the library since it was saved is dropped.
  const tracks = (saved.entries ?? []).filter((e) => !e.missing && e.track).map((e) => e.track);
  const index = Math.max(0, tracks.findIndex((t) => t.id === saved.current));
  player.restore(tracks, index, saved.current ? saved.positionMs ?? 0 : 0);
}

/** Saves on every change of the queue, and the position when playback pauses or the page goes. */
export function saveQueueOnChange(api, player) {
  const body = () => ({
    trackIds: player.queue.map((t) => t.id),
    current: player.current?.id,
    positionMs: Math.round(player.position * 1000),
    client: CLIENT,
  });
  let lastSaved = JSON.stringify(body()); // what was just restored needs no saving
  const save = debounce(async ({ keepalive = false } = {}) => {
    const next = body();
    const key = JSON.stringify(next);
    if (key === lastSaved) return;
    try {
      await api.put('/api/v1/me/queue', next, { keepalive });
      lastSaved = key;
    } catch {
      // unreachable or signed out: the banner or the login says so; the next change saves again
    }
  }, SAVE_DELAY_MS);
  player.addEventListener('queuechange', () => save());
  player.addEventListener('statechange', () => {
    if (!player.playing && player.current) save();
  });
  addEventListener('pagehide', () => save.flush({ keepalive: true }));
  return save;
}
