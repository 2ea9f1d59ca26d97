/**
 * The Java client for players: clock sync, group sessions and resumable streaming.
 *
 * <p>{@link dev.cadenza.client.CadenzaClient} is the entry point. {@link
 * dev.cadenza.client.ClockSync} measures the media clock's offset from the player's {@link
 * dev.cadenza.client.LocalClock}; {@link dev.cadenza.client.PlaybackPlan} turns a session's
 * playback anchor into the player's own clock; {@link dev.cadenza.client.TrackDownloader} fetches a
 * track's bytes across dropped connections, the original or, with a {@link
 * dev.cadenza.client.StreamFormat}, a variant the service transcodes to. Every failure is a {@link
 * dev.cadenza.client.CadenzaException}. Instants are microseconds since the Unix epoch, positions
 * microseconds into the track. See docs/client.md.
 */
package dev.cadenza.client;
