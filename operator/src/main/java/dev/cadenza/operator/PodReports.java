package dev.cadenza.operator;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cadenza.operator.crd.v1alpha1.MusicDeliveryStatus;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * What the ready stream pods of one MusicDelivery report of their media clock and catalogue (each
 * pod's {@code /actuator/info} on its management port, read by {@link PodReportReader}), summed up
 * for {@code status.clock} and {@code status.catalogue}. The summary holds only what the status
 * shows, rounded where the pods' figures move at every poll, so that equal summaries are equal
 * records: the operator reconciles, and writes the status, only when one changes.
 *
 * @param clock null when no pod reported its clock
 * @param catalogue null when no pod reported its catalogue
 */
record PodReports(Clock clock, Catalogue catalogue) {

  static final PodReports NONE = new PodReports(null, null);

  /**
   * @param pods pods that reported their clock
   * @param synchronisedPods of those, the ones synchronised to their NTP servers
   * @param source {@code ntp}, {@code system clock} (no NTP servers), or {@code mixed}
   * @param worstOffset the largest offset of a synchronised pod, rounded up ({@link #roundedUp});
   *     null when none is synchronised
   */
  record Clock(int pods, int synchronisedPods, String source, String worstOffset) {}

  /**
   * @param pods pods that reported their catalogue
   * @param tracks tracks in the catalogue most of them serve
   * @param generation that catalogue's shared generation; null when not known
   * @param podsAgreeing pods serving that catalogue (same generation and track count)
   */
  record Catalogue(int pods, int tracks, Long generation, int podsAgreeing) {}

  /**
   * One pod's answer; a part is null when the pod did not report it.
   *
   * @param clock its media clock
   * @param catalogue its catalogue
   */
  record Answer(ClockAnswer clock, CatalogueAnswer catalogue) {

    /**
     * @param offsetMs NTP time minus the media clock; 0 without NTP servers
     */
    record ClockAnswer(String source, boolean synchronised, double offsetMs) {}

    /**
     * @param generation -1 when not known
     */
    record CatalogueAnswer(int tracks, long generation) {}

    /**
     * Reads a pod's {@code /actuator/info}, the stream service's {@code clock} and {@code
     * catalogue}.
     */
    static Answer of(JsonNode info) {
      JsonNode clock = info.path("clock");
      JsonNode catalogue = info.path("catalogue");
      return new Answer(
          clock.path("source").isTextual()
              ? new ClockAnswer(
                  clock.get("source").asText(),
                  clock.path("synchronised").asBoolean(false),
                  clock.path("offsetMs").asDouble(0))
              : null,
          catalogue.path("tracks").isIntegralNumber()
              ? new CatalogueAnswer(
                  catalogue.get("tracks").asInt(), catalogue.path("generation").asLong(-1))
              : null);
    }
  }

  /** The summary of these answers. */
  static PodReports of(Collection<Answer> answers) {
    List<Answer.ClockAnswer> clocks =
        answers.stream().map(Answer::clock).filter(Objects::nonNull).toList();
    List<Answer.CatalogueAnswer> catalogues =
        answers.stream().map(Answer::catalogue).filter(Objects::nonNull).toList();
    return new PodReports(
        clocks.isEmpty() ? null : clock(clocks),
        catalogues.isEmpty() ? null : catalogue(catalogues));
  }

  private static Clock clock(List<Answer.ClockAnswer> clocks) {
    List<Answer.ClockAnswer> synchronised =
        clocks.stream().filter(Answer.ClockAnswer::synchronised).toList();
    List<String> sources = clocks.stream().map(Answer.ClockAnswer::source).distinct().toList();
    return new Clock(
        clocks.size(),
        synchronised.size(),
        sources.size() == 1 ? sources.get(0) : "mixed",
        synchronised.isEmpty()
            ? null
            : roundedUp(
                synchronised.stream().mapToDouble(c -> Math.abs(c.offsetMs())).max().orElse(0)));
  }

  /**
   * The catalogue most pods serve (the newest of equally many): while a new generation reaches the
   * followers, or a pod lags, the others do not agree.
   */
  private static Catalogue catalogue(List<Answer.CatalogueAnswer> catalogues) {
    Map<Answer.CatalogueAnswer, Long> served =
        catalogues.stream()
            .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
    Map.Entry<Answer.CatalogueAnswer, Long> most =
        served.entrySet().stream()
            .max(
                Comparator.comparingLong(Map.Entry<Answer.CatalogueAnswer, Long>::getValue)
                    .thenComparingLong(e -> e.getKey().generation())
                    .thenComparingInt(e -> e.getKey().tracks()))
            .orElseThrow();
    long generation = most.getKey().generation();
    return new Catalogue(
        catalogues.size(),
        most.getKey().tracks(),
        generation < 0 ? null : generation,
        most.getValue().intValue());
  }

  /**
   * {@code ms} rounded up to 1, 2 or 5 times a power of ten, at least 1 ms, as a duration ({@code
   * 2ms}, {@code 500ms}, {@code 1s}): a synchronised clock's offset wanders by fractions of a
   * millisecond at every poll, and the status should change when the clocks do, not every time.
   */
  static String roundedUp(double ms) {
    long bound = 1;
    while (bound < ms && bound < Long.MAX_VALUE / 5) {
      bound = Long.toString(bound).charAt(0) == '2' ? bound / 2 * 5 : bound * 2;
    }
    return bound < 1000 ? bound + "ms" : bound / 1000 + "s";
  }

  /** {@code status.clock}; null when no pod reported it. */
  MusicDeliveryStatus.ClockState clockStatus() {
    if (clock == null) {
      return null;
    }
    MusicDeliveryStatus.ClockState state = new MusicDeliveryStatus.ClockState();
    state.pods = clock.pods();
    state.synchronisedPods = clock.synchronisedPods();
    state.source = clock.source();
    state.worstOffset = clock.worstOffset();
    return state;
  }

  /** {@code status.catalogue}; null when no pod reported it. */
  MusicDeliveryStatus.CatalogueState catalogueStatus() {
    if (catalogue == null) {
      return null;
    }
    MusicDeliveryStatus.CatalogueState state = new MusicDeliveryStatus.CatalogueState();
    state.pods = catalogue.pods();
    state.tracks = catalogue.tracks();
    state.generation = catalogue.generation();
    state.podsAgreeing = catalogue.podsAgreeing();
    return state;
  }
}
