package dev.cadenza.stream.subsonic;

import dev.cadenza.stream.account.Listener;

/**
 * One authenticated OpenSubsonic call.
 *
 * @param method the method's name, without {@code .view}
 * @param listener who is calling
 */
public record SubsonicCall(String method, SubsonicParams params, Listener listener) {}
