package dev.cadenza.stream.clock;

import dev.cadenza.testsupport.ChronyQuery;
import dev.cadenza.testsupport.ShiftedNtpResponder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Not a test: how close the media clock's offset estimate gets to a server whose clock is exactly
 * the system clock + 250 ms, on loopback, next to chrony's estimate of the same server measured in
 * the same run. Prints a Markdown report (bench/clock-bench.sh saves it under bench/results/). Run
 * with
 *
 * <pre>
 * bench/clock-bench.sh [-Dcadenza.bench.polls=200] [-Dcadenza.bench.chronyRuns=20]
 * </pre>
 */
@EnabledIfSystemProperty(named = "cadenza.bench", matches = "true")
class ClockBench {

  private static final Duration SHIFT = Duration.ofMillis(250);

  @Test
  void offsetError() throws Exception {
    int polls = Integer.getInteger("cadenza.bench.polls", 200);
    int chronyRuns = Integer.getInteger("cadenza.bench.chronyRuns", 20);
    long shift = SHIFT.toNanos();
    try (ShiftedNtpResponder server = ShiftedNtpResponder.start(SHIFT)) {
      List<NtpServer> servers = List.of(NtpServer.parse(server.address()));
      // the estimator, against the system clock the server is shifted from
      double[] single = estimates(servers, polls, 1, shift);
      double[] filtered = estimates(servers, polls, 4, shift);
      double[] media = mediaClockErrors(server.address(), polls, shift);
      double[] chrony = new double[chronyRuns];
      for (int i = 0; i < chronyRuns; i++) {
        chrony[i] = Math.abs(ChronyQuery.serverAheadSeconds(server.port()) * 1e9 - shift);
      }
      System.out.print(
          report(
              polls,
              List.of(
                  row("one exchange per poll (no filter)", single),
                  row("lowest delay of 4 exchanges (the service's default)", filtered),
                  row("media clock: media − (system + 250 ms), after each poll", media),
                  row(
                      "chrony 4.3 `chronyd -Q` (4 iburst exchanges per run), "
                          + chronyRuns
                          + " runs",
                      chrony))));
    }
  }

  /** |measured offset − shift| per poll, in nanoseconds. */
  private static double[] estimates(List<NtpServer> servers, int polls, int samples, long shift) {
    NtpClient client =
        new NtpClient(
            RawClock.system(), samples, Duration.ofSeconds(1), Duration.ofMillis(10), o -> {});
    double[] errors = new double[polls];
    for (int i = 0; i < polls; i++) {
      ServerPoll p = client.poll(servers).get(0);
      errors[i] = p.usable() ? Math.abs(p.best().offset() - shift) : Double.NaN;
    }
    return errors;
  }

  /**
   * The service's clock (monotonic raw clock, steered by {@link ClockSync}) against the system
   * clock + shift, read right after each poll.
   */
  private static double[] mediaClockErrors(String server, int polls, long shift) {
    ClockProperties settings =
        new ClockProperties(
            new ClockProperties.Ntp(
                List.of(server),
                Duration.ofHours(1),
                Duration.ofMillis(50),
                false,
                4,
                Duration.ofSeconds(1),
                Duration.ofMillis(10)),
            new ClockProperties.Sntp(false, 0, 0, 1, 1),
            500,
            Duration.ofMillis(128));
    DisciplinedClock clock =
        new DisciplinedClock(
            RawClock.monotonic(), settings.maxSlewPpm(), settings.stepThreshold().toNanos());
    ClockSync sync = new ClockSync(settings, clock, new SimpleMeterRegistry());
    double[] errors = new double[polls];
    for (int i = 0; i < polls; i++) {
      sync.poll();
      long before = systemNanos();
      long media = clock.nowNanos();
      long after = systemNanos();
      errors[i] = Math.abs(media - (before + (after - before) / 2 + shift));
    }
    return errors;
  }

  private static long systemNanos() {
    Instant now = Instant.now();
    return now.getEpochSecond() * 1_000_000_000L + now.getNano();
  }

  private record Row(String name, int n, double p50, double p99, double max) {}

  private static Row row(String name, double[] errorsNanos) {
    double[] ok = Arrays.stream(errorsNanos).filter(d -> !Double.isNaN(d)).sorted().toArray();
    return new Row(
        name,
        ok.length,
        percentile(ok, 0.50) / 1e3,
        percentile(ok, 0.99) / 1e3,
        ok.length == 0 ? Double.NaN : ok[ok.length - 1] / 1e3);
  }

  private static double percentile(double[] sorted, double q) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    return sorted[(int) Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
  }

  private static String report(int polls, List<Row> rows) {
    StringBuilder out = new StringBuilder();
    out.append("# Media clock accuracy against a server at system clock + 250 ms (loopback)\n\n");
    out.append(
        String.format(
            Locale.ROOT,
            "%s, %s %s, %d cores, %d polls per row (10 ms between exchanges)\n\n",
            Instant.now(),
            System.getProperty("java.vm.name"),
            System.getProperty("java.version"),
            Runtime.getRuntime().availableProcessors(),
            polls));
    out.append("| estimate | n | p50 error (µs) | p99 error (µs) | max (µs) |\n");
    out.append("|---|---:|---:|---:|---:|\n");
    for (Row r : rows) {
      out.append(
          String.format(
              Locale.ROOT,
              "| %s | %d | %.1f | %.1f | %.1f |\n",
              r.name(),
              r.n(),
              r.p50(),
              r.p99(),
              r.max()));
    }
    Row filtered = rows.get(1);
    out.append('\n')
        .append(
            filtered.p99() <= 1_000
                ? "Goal (offset error ≤ 1 ms) met: p99 "
                : "Goal (offset error ≤ 1 ms) NOT met: p99 ")
        .append(String.format(Locale.ROOT, "%.1f µs", filtered.p99()))
        .append(
            String.format(
                Locale.ROOT, "; chrony's p50 on the same server: %.1f µs.\n", rows.get(3).p50()));
    return out.toString();
  }
}
