package dev.cadenza.stream.web;

import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * What one client may hold of the HTTP server ({@code cadenza.server.*}; environment variables
 * {@code CADENZA_SERVER_REQUEST_HEAD_TIMEOUT} and so on). docs/configuration.md describes each, and
 * docs/api.md what a client sees.
 *
 * @param requestHeadTimeout a connection must deliver a whole request head (request line and
 *     headers) within this of connecting, or of the first byte of a later request on it
 * @param idleTimeout a kept-alive connection with no request and no response under way is closed
 *     after this; longer than the front's upstream keepalive (nginx: 60 s), so that the front never
 *     reuses a connection just as the service closes it
 * @param maxConnectionsPerClient connections open at once from one address, trusted proxies exempt;
 *     0: no cap
 * @param maxEventStreamsPerClient event streams ({@code text/event-stream}) open at once for one
 *     client; 0: no cap
 * @param trustedProxies addresses or CIDR ranges of the proxies in front of the service (the NGINX
 *     front): their connections are exempt from the connection cap, and for their requests the
 *     client is the rightmost untrusted address of {@code X-Forwarded-For}
 */
@Validated
@ConfigurationProperties("cadenza.server")
public record ServerSettings(
    @NotNull @DefaultValue("10s") Duration requestHeadTimeout,
    @NotNull @DefaultValue("75s") Duration idleTimeout,
    @DefaultValue("64") int maxConnectionsPerClient,
    @DefaultValue("8") int maxEventStreamsPerClient,
    @DefaultValue("") List<String> trustedProxies) {

  public ServerSettings {
    positive("cadenza.server.request-head-timeout", requestHeadTimeout);
    positive("cadenza.server.idle-timeout", idleTimeout);
    if (maxConnectionsPerClient < 0) {
      throw new IllegalArgumentException(
          "cadenza.server.max-connections-per-client: must be 0 (no cap) or more, got "
              + maxConnectionsPerClient);
    }
    if (maxEventStreamsPerClient < 0) {
      throw new IllegalArgumentException(
          "cadenza.server.max-event-streams-per-client: must be 0 (no cap) or more, got "
              + maxEventStreamsPerClient);
    }
    trustedProxies =
        trustedProxies == null
            ? List.of()
            : trustedProxies.stream().map(String::trim).filter(s -> !s.isEmpty()).toList();
    for (String proxy : trustedProxies) {
      try {
        AddressRange.parse(proxy);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("cadenza.server.trusted-proxies: " + e.getMessage());
      }
    }
  }

  /** The trusted proxies, parsed. */
  public List<AddressRange> trustedProxyRanges() {
    return trustedProxies.stream().map(AddressRange::parse).toList();
  }

  private static void positive(String name, Duration value) {
    if (value != null && (value.isNegative() || value.isZero())) {
      throw new IllegalArgumentException(name + ": must be positive, got " + value);
    }
  }
}
