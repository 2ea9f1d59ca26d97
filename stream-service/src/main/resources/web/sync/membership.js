// This page's membership of a group session, apart from the view that shows it: going to another
// page keeps the membership, the group's sound and the player handed over; only Leave, the end of
// the session or closing the page ends it.

/** One session joined by this page: its playback, the media clock and the audio context it plays on. */
export class GroupMembership {
  #player;
  #onPagehide;

  /**
   * Takes over the sound from `player` (suspended until the membership ends).
   * @param {object} options
   * @param {string} options.sessionId
   * @param {import('./group.js').GroupPlayback} options.group joined already
   * @param {import('./clock.js').MediaClock} options.clock
   * @param {AudioContext} options.audioContext
   * @param {import('../player.js').Player} [options.player]
   */
  constructor({ sessionId, group, clock, audioContext, player }) {
    this.sessionId = sessionId;
    this.group = group;
    this.clock = clock;
    this.audioContext = audioContext;
    this.#player = player;
    this.ended = false;
    // closing or reloading the page leaves; a request that outlives the page (keepalive) says so
    this.#onPagehide = () => group.leave({ keepalive: true });
    addEventListener('pagehide', this.#onPagehide);
    group.addEventListener('ended', () => this.#release(), { once: true });
    player?.suspend();
  }

  /** Leaves the session (the member is deleted) and gives the sound back to the player. */
  leave() {
    const left = this.group.leave();
    this.#release();
    return left;
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
