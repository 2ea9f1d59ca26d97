package dev.cadenza.operator.crd;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The CRD in crds/ is what the model classes generate, and the Helm chart carries the same bytes.
 * Regenerate both with {@code ./mvnw -pl operator verify -Dcadenza.update-crds}.
 */
class CrdIsCommittedTest {

  static final String NAME = "musicdeliveries.cadenza.dev-v1.yml";
  static final Path GENERATED = Path.of("target/classes/META-INF/fabric8", NAME);
  static final Path COMMITTED = Path.of("../crds", NAME);

  /** The Helm chart's copy (helm/cadenza-operator/crds/), installed by helm install. */
  static final Path CHART = Path.of("../helm/cadenza-operator/crds", NAME);

  @Test
  void committedCrdMatchesTheModel() throws Exception {
    String generated = Files.readString(GENERATED);
    if ("true".equals(System.getProperty("cadenza.update-crds"))) {
      Files.writeString(COMMITTED, generated);
    }
    assertThat(COMMITTED)
        .as("crds/%s is stale: run ./mvnw -pl operator verify -Dcadenza.update-crds", NAME)
        .exists();
    assertThat(Files.readString(COMMITTED))
        .as("crds/%s is stale: run ./mvnw -pl operator verify -Dcadenza.update-crds", NAME)
        .isEqualTo(generated);
  }

  @Test
  void chartCrdIsByteForByteTheCommittedCrd() throws Exception {
    if ("true".equals(System.getProperty("cadenza.update-crds"))) {
      Files.write(CHART, Files.readAllBytes(GENERATED));
    }
    assertThat(Files.mismatch(CHART, COMMITTED))
        .as(
            "helm/cadenza-operator/crds/%s differs from crds/%s: run ./mvnw -pl operator verify"
                + " -Dcadenza.update-crds",
            NAME, NAME)
        .isEqualTo(-1L);
  }
}
