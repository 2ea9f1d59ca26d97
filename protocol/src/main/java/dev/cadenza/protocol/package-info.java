/**
 * Wire formats of the Cadenza clock and group-session API, shared by the stream service and the
 * Java client.
 *
 * <p>Units are in the field names. Every instant is a media-clock instant in <b>microseconds since
 * the Unix epoch</b> (UTC), and every position is in microseconds from the start of the track: both
 * are integers that stay exact in a JavaScript number until the year 2255.
 */
package dev.cadenza.protocol;
