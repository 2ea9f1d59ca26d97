// Reports plays: "now playing" when a track starts, and a play once it has been listened to for
// half its length or four minutes, whichever comes first (the rule Last.fm and Navidrome use).

import { CLIENT } from './queue-sync.js';

const MAX_LISTEN_S = 240;
const MAX_STEP_S = 2; // a larger jump of currentTime is a seek, not listening

export function scrobble(api, player) {
  let track = null;
  let startedAt = 0;
  let listened = 0;
  let last = 0;
  let announced = false;
  let submitted = false;

  const post = (body) => api.post('/api/v1/me/scrobbles', { ...body, client: CLIENT }).catch(() => {});

  player.addEventListener('trackchange', () => {
    track = player.current;
    listened = 0;
    last = player.position;
    announced = false;
    submitted = false;
  });
  player.addEventListener('statechange', () => {
    if (!track || announced || !player.playing) return;
    announced = true;
    startedAt = Date.now();
    post({ trackId: track.id, submission: false });
  });
  player.addEventListener('timeupdate', () => {
    const now = player.position;
    const step = now - last;
    last = now;
    if (!track || submitted || !player.playing || step <= 0 || step > MAX_STEP_S) return;
    listened += step;
    const needed = Math.min(MAX_LISTEN_S, (player.duration || MAX_LISTEN_S * 2) / 2);
    if (listened >= needed) {
      submitted = true;
      post({ trackId: track.id, time: startedAt, submission: true });
    }
  });
}
