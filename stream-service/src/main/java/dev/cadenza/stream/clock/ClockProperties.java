package dev.cadenza.stream.clock;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The media clock's settings ({@code cadenza.clock.*}); docs/clock.md lists them with their
 * environment variables ({@code CADENZA_CLOCK_NTP_SERVERS}, ...).
 *
 * @param maxSlewPpm the fastest the correction moves while slewing, in parts per million (500 ppm
 *     closes a 1 ms gap in 2 s)
 * @param stepThreshold a correction that must move forward by more than this steps at once instead
 *     of slewing; backward moves always slew, so the clock never goes back
 */
@Validated
@ConfigurationProperties("cadenza.clock")
public record ClockProperties(
    @Valid @NotNull @DefaultValue Ntp ntp,
    @Valid @NotNull @DefaultValue Sntp sntp,
    @DefaultValue("500") int maxSlewPpm,
    @NotNull @DefaultValue("128ms") Duration stepThreshold) {

  public ClockProperties {
    if (maxSlewPpm < 1 || maxSlewPpm > 100_000) {
      throw new IllegalArgumentException(
          "cadenza.clock.max-slew-ppm: must be between 1 and 100000, got " + maxSlewPpm);
    }
    if (stepThreshold != null && stepThreshold.isNegative()) {
      throw new IllegalArgumentException(
          "cadenza.clock.step-threshold: must not be negative, got " + stepThreshold);
    }
  }

  /**
   * The upstream NTP servers.
   *
   * @param servers {@code host} or {@code host:port} (default port 123); none makes the media clock
   *     the system clock
   * @param pollInterval time between polls; the first poll runs at start-up
   * @param maxOffset with {@code required}, readiness is down while the combined offset exceeds
   *     this
   * @param required whether readiness depends on the clock being synchronised
   * @param samples exchanges per server per poll; the one with the lowest delay counts
   * @param timeout how long one exchange waits for its reply
   * @param sampleSpacing the pause between two exchanges with one server (public servers rate-limit
   *     clients that send faster than one packet every 2 s)
   */
  public record Ntp(
      @DefaultValue("") List<String> servers,
      @NotNull @DefaultValue("64s") Duration pollInterval,
      @NotNull @DefaultValue("50ms") Duration maxOffset,
      @DefaultValue("false") boolean required,
      @DefaultValue("4") int samples,
      @NotNull @DefaultValue("1s") Duration timeout,
      @NotNull @DefaultValue("2s") Duration sampleSpacing) {

    public Ntp {
      servers =
          servers == null
              ? List.of()
              : servers.stream().map(String::trim).filter(s -> !s.isEmpty()).toList();
      for (String server : servers) {
        try {
          NtpServer.parse(server);
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException("cadenza.clock.ntp.servers: " + e.getMessage());
        }
      }
      if (required && servers.isEmpty()) {
        // readiness would wait for a sync that cannot come
        throw new IllegalArgumentException(
            "cadenza.clock.ntp.required: true needs at least one server in"
                + " cadenza.clock.ntp.servers");
      }
      positive("cadenza.clock.ntp.poll-interval", pollInterval);
      positive("cadenza.clock.ntp.max-offset", maxOffset);
      positive("cadenza.clock.ntp.timeout", timeout);
      if (sampleSpacing != null && sampleSpacing.isNegative()) {
        throw new IllegalArgumentException(
            "cadenza.clock.ntp.sample-spacing: must not be negative, got " + sampleSpacing);
      }
      if (samples < 1 || samples > 16) {
        throw new IllegalArgumentException(
            "cadenza.clock.ntp.samples: must be between 1 and 16, got " + samples);
      }
    }

    /** The servers, parsed. */
    public List<NtpServer> parsedServers() {
      return servers.stream().map(NtpServer::parse).toList();
    }
  }

  /**
   * The SNTP responder: serves the media clock to standard NTP clients over UDP.
   *
   * @param enabled whether it runs
   * @param port UDP port, on the HTTP server's address; 0 picks a free port (logged and shown in
   *     the health details)
   * @param ratePerSource requests a second one source address may send once its burst is spent;
   *     past it requests are dropped without a reply. 0 turns the limit off
   * @param burstPerSource requests one source may send at once (a client's first poll sends a few
   *     back to back)
   * @param trackedSources source addresses the limit remembers; the least recently seen is
   *     forgotten first, so spoofed sources cannot exhaust memory
   */
  public record Sntp(
      @DefaultValue("true") boolean enabled,
      @DefaultValue("1123") int port,
      @DefaultValue("16") int ratePerSource,
      @DefaultValue("32") int burstPerSource,
      @DefaultValue("4096") int trackedSources) {

    public Sntp {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException(
            "cadenza.clock.sntp.port: must be between 0 and 65535, got " + port);
      }
      if (ratePerSource < 0 || ratePerSource > 1_000_000) {
        throw new IllegalArgumentException(
            "cadenza.clock.sntp.rate-per-source: must be between 0 (no limit) and 1000000, got "
                + ratePerSource);
      }
      if (burstPerSource < 1 || burstPerSource > 1_000_000) {
        throw new IllegalArgumentException(
            "cadenza.clock.sntp.burst-per-source: must be between 1 and 1000000, got "
                + burstPerSource);
      }
      if (trackedSources < 1 || trackedSources > 1_000_000) {
        throw new IllegalArgumentException(
            "cadenza.clock.sntp.tracked-sources: must be between 1 and 1000000, got "
                + trackedSources);
      }
    }
  }

  private static void positive(String name, Duration value) {
    if (value != null && (value.isNegative() || value.isZero())) {
      throw new IllegalArgumentException(name + ": must be positive, got " + value);
    }
  }
}
