// The bar at the bottom: what plays, the transport, the seek slider, the streaming quality, volume.

import { h, duration } from './dom.js';
import { icon } from './icons.js';
import { cover } from './components/cards.js';
import { starButton } from './components/track-list.js';
import { showQualityPicker } from './components/quality-picker.js';
import { describe } from './quality.js';

export function playerBar(ctx) {
  const { player } = ctx;
  const button = (label, iconName, onclick, extra = {}) =>
    h('button', { type: 'button', class: 'icon-button', 'aria-label': label, title: label, onclick, ...extra }, icon(iconName));

  const art = h('a', { class: 'bar-cover', href: '#/now-playing', 'aria-label': 'Now playing' });
  const title = h('a', { class: 'bar-title', href: '#/now-playing' });
  const artist = h('span', { class: 'bar-artist muted' });
  const star = h('span', { class: 'bar-star' });
  const shuffle = button('Shuffle', 'shuffle', () => player.setShuffle(!player.shuffle));
  const previous = button('Previous', 'previous', () => player.previous());
  const play = button('Play', 'play', () => player.toggle(), { class: 'icon-button play-button' });
  const next = button('Next', 'next', () => player.next());
  const repeat = button('Repeat: off', 'repeat', () => player.cycleRepeat());
  const elapsed = h('span', { class: 'time muted' }, '0:00');
  const total = h('span', { class: 'time muted' }, '0:00');
  const seek = h('input', { type: 'range', class: 'seek', min: '0', max: '0', step: '1', value: '0', 'aria-label': 'Seek' });
  const volume = h('input', { type: 'range', class: 'volume', min: '0', max: '1', step: '0.05', value: String(player.volume), 'aria-label': 'Volume' });
  const status = h('span', { class: 'bar-status muted', 'aria-live': 'polite' });
  const quality = button('Streaming quality', 'quality', () => showQualityPicker(player));
  let seeking = false;

  seek.addEventListener('input', () => {
    seeking = true;
    elapsed.textContent = duration(seek.valueAsNumber * 1000);
  });
  seek.addEventListener('change', () => {
    seeking = false;
    player.seek(seek.valueAsNumber);
  });
  volume.addEventListener('input', () => {
    player.volume = volume.valueAsNumber;
    localStorage.setItem('cadenza.volume', volume.value);
  });

  const bar = h('section', { class: 'player-bar', 'aria-label': 'Player' },
    h('div', { class: 'bar-track' }, art, h('div', { class: 'bar-text' }, title, artist), star),
    h('div', { class: 'bar-center' },
      h('div', { class: 'bar-controls' }, shuffle, previous, play, next, repeat),
      h('div', { class: 'bar-seek' }, elapsed, seek, total)),
    h('div', { class: 'bar-extra' }, status, quality,
      h('a', { class: 'icon-button', href: '#/queue', 'aria-label': 'Queue', title: 'Queue' }, icon('queue')),
      icon('volume', { size: 20 }), volume));

  let starController = null;
  function showTrack() {
    const track = player.current;
    art.replaceChildren(cover(track?.coverUrl, { size: 'small', eager: true }));
    title.textContent = track?.title ?? 'Nothing playing';
    artist.textContent = track ? track.artist ?? '' : '';
    starController?.abort();
    starController = new AbortController();
    star.replaceChildren(track ? starButton({ ...ctx, signal: starController.signal }, 'track', track.id, track.title) : '');
    if (track) ctx.annotations.load('track', [track.id]).catch(() => {});
    bar.classList.toggle('empty', !track);
    showTime();
  }

  function showState() {
    const playing = player.playing;
    play.setAttribute('aria-label', playing ? 'Pause' : 'Play');
    play.title = playing ? 'Pause (space)' : 'Play (space)';
    play.replaceChildren(icon(playing ? 'pause' : 'play'));
    status.textContent = player.suspended ? 'Group playback' : player.loading ? 'Loading…' : '';
    for (const control of [play, previous, next, seek]) control.disabled = player.suspended || !player.current;
  }

  function showQueueState() {
    shuffle.setAttribute('aria-pressed', String(player.shuffle));
    repeat.setAttribute('aria-pressed', String(player.repeat !== 'off'));
    repeat.setAttribute('aria-label', `Repeat: ${player.repeat}`);
    repeat.title = `Repeat: ${player.repeat}`;
    repeat.replaceChildren(icon(player.repeat === 'one' ? 'repeatOne' : 'repeat'));
  }

  function showQuality() {
    const text = `Streaming quality: ${describe(player.quality, player.format)}`;
    quality.setAttribute('aria-label', text);
    quality.title = text;
  }

  function showTime() {
    const d = player.duration;
    const p = player.position;
    seek.max = String(Math.max(1, Math.round(d)));
    total.textContent = duration(d * 1000);
    if (!seeking) {
      seek.value = String(Math.round(p));
      elapsed.textContent = duration(p * 1000);
    }
    seek.setAttribute('aria-valuetext', `${duration(p * 1000)} of ${duration(d * 1000)}`);
  }

  player.addEventListener('trackchange', showTrack);
  player.addEventListener('statechange', showState);
  player.addEventListener('queuechange', showQueueState);
  player.addEventListener('timeupdate', showTime);
  player.addEventListener('qualitychange', showQuality);
  showTrack();
  showQuality();
  showState();
  showQueueState();
  return bar;
}
