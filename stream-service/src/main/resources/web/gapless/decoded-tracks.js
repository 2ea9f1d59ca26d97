// The tracks a gapless join needs, fetched whole and decoded (decodeAudioData takes complete files
// only, and it trims the encoder delay that Opus, MP3 with a LAME tag and AAC in MP4 signal): the
// next track, and the current one while it plays from its <audio> element, to align the two
// (gapless/alignment.js). Decoded audio costs about 21 MB a minute (stereo, 44.1 kHz, 32-bit
// floats), so only the tracks asked for are kept, and none longer than MAX_DURATION_MS.

/** Longer tracks are played by the <audio> elements alone, with the small gap they leave. */
export const MAX_DURATION_MS = 20 * 60 * 1000;

export class DecodedTracks {
  #context;
  #urlOf;
  #onSettled;
  #entries = new Map(); // stream URL → {controller, buffer, failed}

  /**
   * @param {(track) => string} urlOf the stream URL the <audio> element would play (the quality's),
   *   so that a join plays what the element would have; entries are kept by it
   * @param {() => void} onSettled called when a decode finished or failed
   */
  constructor(context, urlOf, onSettled) {
    this.#context = context;
    this.#urlOf = urlOf;
    this.#onSettled = onSettled;
  }

  /** Keeps (or starts decoding) these tracks and forgets every other. */
  keep(tracks) {
    const urls = new Set(tracks.map((t) => this.#urlOf(t)));
    for (const [url, entry] of this.#entries) {
      if (!urls.has(url)) {
        entry.controller.abort();
        this.#entries.delete(url);
      }
    }
    for (const track of tracks) if (!this.#entries.has(this.#urlOf(track))) this.#decode(this.#urlOf(track));
  }

  /** The decoded track, or null while it is not (yet) decoded. */
  get(track) {
    return (track && this.#entries.get(this.#urlOf(track))?.buffer) ?? null;
  }

  failed(track) {
    return track != null && this.#entries.get(this.#urlOf(track))?.failed === true;
  }

  #decode(url) {
    const entry = { controller: new AbortController(), buffer: null, failed: false };
    this.#entries.set(url, entry);
    fetch(url, { credentials: 'same-origin', signal: entry.controller.signal })
      .then((response) => {
        if (!response.ok) throw new Error(`${response.status} for ${url}`);
        return response.arrayBuffer();
      })
      .then((bytes) => this.#context.decodeAudioData(bytes))
      .then((buffer) => {
        entry.buffer = buffer;
      }, () => {
        // an unreadable or removed file: the <audio> element plays it, or reports why it cannot
        entry.failed = true;
      })
      .finally(() => {
        if (this.#entries.get(url) === entry && !entry.controller.signal.aborted) this.#onSettled();
      });
  }
}

/**
 * Whether `next` is the track after `track` on the same album (the next number on the disc, or the
 * first of the next disc): the joins listeners of live albums and classical expect. Tracks from
 * elsewhere keep the short gap of the <audio> elements, as a playlist of singles should.
 */
export function followsOnAlbum(track, next) {
  if (!track || !next || !track.albumId || track.albumId !== next.albumId) return false;
  if (!(track.trackNumber > 0 && next.trackNumber > 0)) return false;
  const disc = track.discNumber ?? 1;
  const nextDisc = next.discNumber ?? 1;
  return (nextDisc === disc && next.trackNumber === track.trackNumber + 1)
    || (nextDisc === disc + 1 && next.trackNumber === 1);
}

export function short(track) {
  return (track?.durationMs ?? Infinity) <= MAX_DURATION_MS;
}
