package dev.cadenza.stream.testsupport;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The samples of a Prometheus text exposition ({@code /actuator/prometheus}), for tests that read a
 * process's meters from outside it: {@code value("cadenza_cache_requests_total", "tier", "l2",
 * "result", "hit")}.
 */
public final class PrometheusText {

  /** {@code name{labels} value [timestamp]}; comments and blank lines do not match. */
  private static final Pattern SAMPLE =
      Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)\\})?\\s+(\\S+)(?:\\s+-?\\d+)?$");

  private static final Pattern LABEL =
      Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

  private record Sample(String name, Map<String, String> labels, double value) {}

  private final List<Sample> samples;

  private PrometheusText(List<Sample> samples) {
    this.samples = samples;
  }

  public static PrometheusText parse(String text) {
    List<Sample> samples = new ArrayList<>();
    for (String line : text.split("\n")) {
      Matcher m = SAMPLE.matcher(line.strip());
      if (line.startsWith("#") || !m.matches()) {
        continue;
      }
      Map<String, String> labels = new LinkedHashMap<>();
      if (m.group(2) != null) {
        Matcher l = LABEL.matcher(m.group(2));
        while (l.find()) {
          labels.put(l.group(1), l.group(2));
        }
      }
      samples.add(new Sample(m.group(1), labels, Double.parseDouble(m.group(3))));
    }
    return new PrometheusText(samples);
  }

  /**
   * The sum of the samples of {@code name} that carry every label given as name, value pairs (0
   * when none does, as for a counter registered on first use). A name no sample has at all is a
   * mistake in the test, not a zero, and fails.
   */
  public double value(String name, String... labels) {
    if (samples.stream().noneMatch(s -> s.name().equals(name))) {
      throw new IllegalArgumentException("no metric " + name + " in the exposition");
    }
    double sum = 0;
    for (Sample s : samples) {
      if (s.name().equals(name) && hasLabels(s, labels)) {
        sum += s.value();
      }
    }
    return sum;
  }

  /** {@link #value} as a whole number: for counters and gauges of counts. */
  public long count(String name, String... labels) {
    return Math.round(value(name, labels));
  }

  private static boolean hasLabels(Sample s, String[] labels) {
    for (int i = 0; i < labels.length; i += 2) {
      if (!labels[i + 1].equals(s.labels().get(labels[i]))) {
        return false;
      }
    }
    return true;
  }
}
