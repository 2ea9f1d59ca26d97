package dev.cadenza.operator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cadenza.operator.crd.v1alpha1.MusicDelivery;
import dev.cadenza.operator.testsupport.CannotWork;
import dev.cadenza.operator.testsupport.Jazz;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The operator's own check of a spec, without an API server: it names the field of every case the
 * CRD refuses ({@link CannotWork}, the same list {@code MusicDeliveryValidationTest} sends to a
 * real API server) and finds nothing in what works.
 */
class SpecValidationTest {

  static MusicDelivery named(String name, String spec) {
    MusicDelivery md = Jazz.jazz(spec);
    md.getMetadata().setName(name);
    return md;
  }

  static List<CannotWork.Case> cannotWork() {
    return CannotWork.CASES;
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @MethodSource("cannotWork")
  void whatTheCrdRefusesIsAProblemOfTheSameField(CannotWork.Case c) {
    assertThat(SpecValidation.problems(named(c.name(), c.spec())))
        .extracting(SpecValidation.Problem::field)
        .containsExactly(c.field());
  }

  @ParameterizedTest
  @ValueSource(strings = {"minimal.yaml", "production.yaml", "local.yaml", "gateway.yaml"})
  void theExamplesHaveNoProblem(String example) throws Exception {
    MusicDelivery md =
        Serialization.unmarshal(
            Files.readString(Path.of("../examples", example)), MusicDelivery.class);
    assertThat(SpecValidation.problems(md)).isEmpty();
  }

  @Test
  void valuesAtTheLimitsHaveNoProblem() {
    MusicDelivery md = named(CannotWork.NAME_AT_THE_LIMIT, CannotWork.SPEC_AT_THE_LIMITS);
    assertThat(SpecValidation.problems(md)).isEmpty();
  }

  /** Older CRDs took K for a thousand, as the stream service still does: it works, so it stays. */
  @Test
  void aSizeInKOfAnOlderCrdStillWorks() {
    assertThat(SpecValidation.problems(Jazz.jazz(Jazz.BASE + "cache: {chunkSize: 256K}")))
        .isEmpty();
    assertThat(SpecValidation.bytes("256K")).isEqualTo(256_000L);
    assertThat(SpecValidation.bytes("350Ki")).isEqualTo(358_400L);
    assertThat(SpecValidation.bytes("99999999999999999999Gi")).isNull();
  }

  @Test
  void everyProblemIsReportedAtOnce() {
    assertThat(
            SpecValidation.problems(
                named(
                    "Jazz",
                    """
                    library: {persistentVolumeClaim: music, subPath: /etc}
                    dynamodb: {tablePrefix: jazz}
                    cache: {ttl: 0s, chunkSize: 1Mi}
                    """)))
        .extracting(Object::toString)
        .containsExactly(
            "metadata.name: " + MusicDelivery.NAME_MESSAGE,
            "spec.library.subPath: must be a relative path inside the volume, without a '..'"
                + " element (e.g. jazz or music/jazz)",
            "spec.cache.chunkSize: must be between 4Ki and 350Ki: a chunk is one DynamoDB item,"
                + " which holds at most 400 KB",
            "spec.cache.ttl: must be at least 1s: a chunk's expiry is kept in whole seconds, so a"
                + " shorter one has expired when it is written");
  }
}
