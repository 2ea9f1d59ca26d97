// The Media Session API: what the lock screen, the notification and media keys show and do.

export function connectMediaSession(player) {
  const session = navigator.mediaSession;
  if (!session) return;
  const handlers = {
    play: () => player.play(),
    pause: () => player.pause(),
    previoustrack: () => player.previous(),
    nexttrack: () => player.next(),
    seekbackward: (d) => player.seekBy(-(d.seekOffset || 10)),
    seekforward: (d) => player.seekBy(d.seekOffset || 10),
    seekto: (d) => player.seek(d.seekTime),
    stop: () => player.pause(),
  };
  for (const [action, handler] of Object.entries(handlers)) {
    try {
      session.setActionHandler(action, handler);
    } catch {
      // an action this browser does not know
    }
  }
  player.addEventListener('trackchange', () => {
    const track = player.current;
    if (!track) {
      session.metadata = null;
      return;
    }
    const artwork = track.coverUrl
      ? [{ src: new URL(track.coverUrl, location.origin).href, sizes: '512x512' }]
      : [];
    session.metadata = new MediaMetadata({ title: track.title, artist: track.artist ?? '', album: track.album ?? '', artwork });
  });
  player.addEventListener('statechange', () => {
    session.playbackState = player.current ? (player.playing ? 'playing' : 'paused') : 'none';
  });
  player.addEventListener('timeupdate', () => {
    const duration = player.duration;
    if (!(duration > 0) || !session.setPositionState) return;
    try {
      session.setPositionState({ duration, position: Math.min(player.position, duration), playbackRate: player.element.playbackRate || 1 });
    } catch {
      // position past the end while the browser revises the duration
    }
  });
}
