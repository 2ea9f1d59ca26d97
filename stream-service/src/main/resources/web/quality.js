// The streaming quality: Original (the file as it is) or a bit rate the service transcodes to
// (docs/transcoding.md). Kept per device in localStorage: a phone on mobile data and a desktop on
// the home network want different ones.

const KEY = 'cadenza.quality';

/** The choices, best first; `kbps` is what the stream request asks for. */
export const QUALITIES = [
  { id: 'original', label: 'Original', kbps: null },
  { id: 'high', label: 'High', kbps: 256 },
  { id: 'normal', label: 'Normal', kbps: 160 },
  { id: 'low', label: 'Low', kbps: 96 },
  { id: 'data-saver', label: 'Data saver', kbps: 64 },
];

// The first the browser can play: Opus is the smallest at a given quality, AAC in MP4 is what
// Safari plays, MP3 every browser.
const FORMATS = [
  { format: 'opus', label: 'Opus', type: 'audio/ogg; codecs="opus"' },
  { format: 'm4a', label: 'AAC', type: 'audio/mp4; codecs="mp4a.40.2"' },
  { format: 'mp3', label: 'MP3', type: 'audio/mpeg' },
];

export function loadQuality() {
  const id = localStorage.getItem(KEY);
  return QUALITIES.find((q) => q.id === id) ?? QUALITIES[0];
}

export function saveQuality(quality) {
  localStorage.setItem(KEY, quality.id);
}

/** The format this browser asks for when it transcodes: {format, label}. */
export function streamFormat(audio = new Audio()) {
  return FORMATS.find((f) => audio.canPlayType(f.type) !== '') ?? FORMATS[FORMATS.length - 1];
}

/** The stream URL for `quality`: the original's, or with `?format=...&bitrate=...`. */
export function streamUrl(url, quality, format) {
  if (quality.kbps == null) return url;
  return `${url}${url.includes('?') ? '&' : '?'}format=${format.format}&bitrate=${quality.kbps}`;
}

/** "Normal (Opus, 160 kb/s)", "Original". */
export function describe(quality, format) {
  return quality.kbps == null ? quality.label : `${quality.label} (${format.label}, ${quality.kbps} kb/s)`;
}
