/** The Java client for players: clock sync, group sessions and resumable streaming. */
package dev.cadenza.client;
