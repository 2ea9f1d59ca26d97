package dev.cadenza.stream.account;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The credential of the stream path's warm-up before readiness (docs/startup.md#warm-up): a random
 * key minted in memory when the warm-up starts, accepted as {@code Authorization: Bearer <key>} by
 * the routes {@link NettyAuthentication} guards (the track stream), only from a loopback peer (the
 * connection's own, not a forwarded address), and only until the warm-up revokes it, which it does
 * before its readiness component goes up. It is issued once per process and never written or logged
 * anywhere. Anything else a request presents goes through the normal authentication, so a wrong
 * guess is a refused API key like any other.
 */
public final class WarmUpKey {

  /** Who a warm-up request acts for: a user (not an admin) without a bit rate limit. */
  static final Listener LISTENER =
      new Listener("warm-up", "warm-up", Role.USER, MaxBitRates.NO_LIMIT);

  private static final String BEARER = "bearer ";

  private final AtomicBoolean issued = new AtomicBoolean();

  /** The key's bytes while it is valid, else null: one volatile read per guarded request. */
  private volatile byte[] key;

  /**
   * Mints the key and makes it valid; once per process, so that nothing can mint another after the
   * warm-up.
   *
   * @throws IllegalStateException when it was issued before
   */
  public String issue() {
    if (!issued.compareAndSet(false, true)) {
      throw new IllegalStateException("The warm-up key is issued once per process");
    }
    byte[] random = new byte[32];
    new SecureRandom().nextBytes(random);
    String token = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
    key = token.getBytes(StandardCharsets.US_ASCII);
    return token;
  }

  /** Ends the key's validity for good. */
  public void revoke() {
    key = null;
  }

  /** Whether the key is valid now (issued and not revoked). */
  public boolean valid() {
    return key != null;
  }

  /**
   * Whether {@code authorization} (the header, may be null) is {@code Bearer <the key>} and the
   * connection's peer is a loopback address, while the key is valid.
   */
  boolean admits(String authorization, SocketAddress peer) {
    byte[] expected = key;
    if (expected == null
        || authorization == null
        || !(peer instanceof InetSocketAddress address)
        || address.getAddress() == null
        || !address.getAddress().isLoopbackAddress()
        || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
      return false;
    }
    byte[] presented =
        authorization.substring(BEARER.length()).strip().getBytes(StandardCharsets.US_ASCII);
    return MessageDigest.isEqual(expected, presented);
  }
}
