package dev.cadenza.operator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The summary of what the ready stream pods report, without pods. */
class PodReportsTest {

  static PodReports.Answer answer(String json) throws Exception {
    return PodReports.Answer.of(new ObjectMapper().readTree(json));
  }

  static PodReports.Answer synced(double offsetMs, int tracks, long generation) throws Exception {
    return answer(
        "{\"clock\":{\"source\":\"ntp\",\"synchronised\":true,\"offsetMs\":"
            + offsetMs
            + ",\"rootDistanceMs\":1.5,\"stratum\":3},\"catalogue\":{\"tracks\":"
            + tracks
            + ",\"mode\":\"shared-follower\",\"generation\":"
            + generation
            + "}}");
  }

  @Test
  void podsThatAgreeAreCountedAndTheWorstOffsetIsRoundedUp() throws Exception {
    PodReports reports = PodReports.of(List.of(synced(0.4, 8, 3), synced(-3.2, 8, 3)));

    assertThat(reports.clock()).isEqualTo(new PodReports.Clock(2, 2, "ntp", "5ms"));
    assertThat(reports.catalogue()).isEqualTo(new PodReports.Catalogue(2, 8, 3L, 2));
  }

  @Test
  void offsetsThatWanderBelowAMillisecondGiveTheSameSummary() throws Exception {
    assertThat(PodReports.of(List.of(synced(0.04, 8, 3))))
        .isEqualTo(PodReports.of(List.of(synced(-0.9, 8, 3))));
  }

  @Test
  void roundingIsToOneTwoOrFiveTimesAPowerOfTen() {
    assertThat(List.of(0.0, 1.0, 1.2, 2.0, 4.9, 7.0, 20.0, 20.5, 499.0, 700.0, 1500.0, 3000.0))
        .extracting(PodReports::roundedUp)
        .containsExactly(
            "1ms", "1ms", "2ms", "2ms", "5ms", "10ms", "20ms", "50ms", "500ms", "1s", "2s", "5s");
  }

  @Test
  void theCatalogueMostPodsServeIsReportedWithHowManyServeIt() throws Exception {
    PodReports lagging = PodReports.of(List.of(synced(0, 9, 4), synced(0, 8, 3), synced(0, 9, 4)));
    PodReports even = PodReports.of(List.of(synced(0, 8, 3), synced(0, 9, 4)));

    assertThat(lagging.catalogue()).isEqualTo(new PodReports.Catalogue(3, 9, 4L, 2));
    assertThat(even.catalogue())
        .as("the newest of equally many")
        .isEqualTo(new PodReports.Catalogue(2, 9, 4L, 1));
  }

  @Test
  void unsynchronisedAndSystemClocksAreCountedButGiveNoOffset() throws Exception {
    PodReports.Answer system =
        answer(
            "{\"clock\":{\"source\":\"system clock\",\"synchronised\":false},"
                + "\"catalogue\":{\"tracks\":8,\"mode\":\"local\"}}");
    PodReports.Answer unsynced =
        answer("{\"clock\":{\"source\":\"ntp\",\"synchronised\":false,\"offsetMs\":0.0}}");

    assertThat(PodReports.of(List.of(system)))
        .isEqualTo(
            new PodReports(
                new PodReports.Clock(1, 0, "system clock", null),
                new PodReports.Catalogue(1, 8, null, 1)));
    assertThat(PodReports.of(List.of(system, unsynced)).clock())
        .isEqualTo(new PodReports.Clock(2, 0, "mixed", null));
  }

  @Test
  void aPodThatReportsNeitherIsLeftOut() throws Exception {
    assertThat(PodReports.of(List.of(answer("{}")))).isEqualTo(PodReports.NONE);
    assertThat(PodReports.of(List.of())).isEqualTo(PodReports.NONE);
    assertThat(PodReports.NONE.clockStatus()).isNull();
    assertThat(PodReports.NONE.catalogueStatus()).isNull();
  }
}
