// This page's membership of a group session, apart from the view that shows it: going to another
// page keeps the membership, the group's sound and the player handed over; only Leave, the end of
// the session (or this member's removal) or closing the page ends it.

const ENDED_NOTES = {
  ended: 'Your group session ended.',
  removed: 'You were removed from the group session.',
};

/** One session joined by this page: its playback, the media clock and the audio context it plays on. */
export class GroupMembership {
  #player;
  #notice;
  #onPagehide;
  /**
   * Whether the group view shows this membership now: it then says itself that the session ended,
   * and no notice repeats it.
   */
  watched = false;

  /**
   * Takes over the sound from `player` (suspended until the membership ends).
   * @param {object} options
   * @param {string} options.sessionId
   * @param {import('./group.js').GroupPlayback} options.group joined already
   * @param {import('./clock.js').MediaClock} options.clock
   * @param {AudioContext} options.audioContext
   * @param {import('../player.js').Player} [options.player]
   * @param {(message: string, action?: {label: string, run: Function}) => void} [options.notice]
   *   tells the listener, on whatever page they are, that the session ended without them
   */
  constructor({ sessionId, group, clock, audioContext, player, notice }) {
    this.sessionId = sessionId;
    this.group = group;
    this.clock = clock;
    this.audioContext = audioContext;
    this.#player = player;
    this.#notice = notice;
    this.ended = false;
    // closing or reloading the page leaves; a request that outlives the page (keepalive) says so
    this.#onPagehide = () => group.leave({ keepalive: true });
    addEventListener('pagehide', this.#onPagehide);
    group.addEventListener('ended', ({ detail }) => this.#endedElsewhere(detail?.reason), { once: true });
    player?.suspend();
  }

  /** Leaves the session (the member is deleted) and gives the sound back to the player. */
  leave() {
    const left = this.group.leave();
    this.#release();
    return left;
  }

  /** Ended by the session, not by Leave: the player is the listener's again, and they are told so. */
  #endedElsewhere(reason) {
    if (this.ended) return;
    this.#release();
    if (this.watched || !this.#notice) return;
    const player = this.#player;
    // the player stays paused where it was: it plays again when the listener says so
    const action = player?.current ? { label: 'Play your music', run: () => player.play() } : undefined;
    this.#notice(`${ENDED_NOTES[reason] ?? ENDED_NOTES.ended} Your player is yours again.`, action);
  }

  #release() {
    if (this.ended) return;
    this.ended = true;
    removeEventListener('pagehide', this.#onPagehide);
    this.clock.stop();
    this.audioContext.close();
    this.#player?.resume();
  }
}
