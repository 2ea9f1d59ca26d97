package dev.cadenza.operator.dependent;

import static dev.cadenza.operator.testsupport.Jazz.BASE;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cadenza.operator.crd.v1alpha1.MusicDelivery;
import dev.cadenza.operator.testsupport.Jazz;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Quantity;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The stream container's memory budget: its arithmetic, the pod it makes, the other launchers. */
class MemoryBudgetTest {

  static Container container(MusicDelivery md) {
    return StreamDeployment.build(md, DesiredStateTest.SETTINGS)
        .getSpec()
        .getTemplate()
        .getSpec()
        .getContainers()
        .get(0);
  }

  static String javaToolOptions(Container c) {
    return c.getEnv().stream()
        .filter(e -> e.getName().equals("JAVA_TOOL_OPTIONS"))
        .map(EnvVar::getValue)
        .findFirst()
        .orElseThrow();
  }

  @Test
  void theContainerIsTheL1CachePlusAFixedBaseAndTheHeapIsL1PlusTheWorkingHeap() {
    MemoryBudget budget = MemoryBudget.of(Jazz.jazz(BASE).getSpec());
    // spec.cache.memory's default, 512Mi: heap 512 + 384; off the heap 96 metaspace + 48 code
    // + 256 direct + 48 JVM native + 48 mapped files + 96 model
    assertThat(budget.l1()).isEqualTo(512L << 20);
    assertThat(budget.heap()).isEqualTo(896L << 20);
    assertThat(budget.container()).isEqualTo(new Quantity("1488Mi"));
    assertThat(budget.jvmOptions())
        .contains(
            "-Xmx896m",
            "-XX:MaxMetaspaceSize=96m",
            "-XX:ReservedCodeCacheSize=48m",
            "-XX:MaxDirectMemorySize=256m",
            "-XX:+UseG1GC");
  }

  @Test
  void aLargerCacheGrowsHeapAndContainerByItsBytesAndNoModelShrinksTheContainer() {
    MemoryBudget twoGi = MemoryBudget.of(Jazz.jazz(BASE + "cache: {memory: 2Gi}\n").getSpec());
    assertThat(twoGi.jvmOptions()).contains("-Xmx2432m");
    assertThat(twoGi.container()).isEqualTo(new Quantity("3024Mi"));
    // decimal units: 500M is 476.8 MiB, rounded up to whole MiB
    assertThat(MemoryBudget.of(Jazz.jazz(BASE + "cache: {memory: 500M}\n").getSpec()).jvmOptions())
        .contains("-Xmx861m");
    MemoryBudget noModel =
        MemoryBudget.of(Jazz.jazz(BASE + "metadata: {embeddings: false}\n").getSpec());
    assertThat(noModel.container()).isEqualTo(new Quantity("1392Mi"));
    assertThat(noModel.jvmOptions()).contains("-Xmx896m");
    assertThatThrownBy(() -> new MemoryBudget(-1, true))
        .hasMessageContaining("must not be negative");
  }

  @Test
  void thePodAsksForAndIsLimitedToItsBudgetAndItsJvmGetsTheMatchingLimits() {
    Container c = container(Jazz.jazz(BASE + "cache: {memory: 1Gi}\n"));
    assertThat(c.getResources().getRequests())
        .containsEntry("memory", new Quantity("2000Mi"))
        .containsEntry("cpu", new Quantity("250m"));
    assertThat(c.getResources().getLimits()).containsOnlyKeys("memory");
    assertThat(c.getResources().getLimits()).containsEntry("memory", new Quantity("2000Mi"));
    assertThat(javaToolOptions(c)).contains("-Xmx1408m").contains("-XX:MaxDirectMemorySize=256m");
  }

  @Test
  void aMemoryTheSpecNamesWinsAndTheOtherSideFollowsIt() {
    Container cpuOnly = container(Jazz.jazz(BASE + "resources: {requests: {cpu: '1'}}\n"));
    assertThat(cpuOnly.getResources().getRequests())
        .containsEntry("cpu", new Quantity("1"))
        .containsEntry("memory", new Quantity("1488Mi"));
    assertThat(cpuOnly.getResources().getLimits()).containsEntry("memory", new Quantity("1488Mi"));

    Container limited = container(Jazz.jazz(BASE + "resources: {limits: {memory: 2Gi}}\n"));
    assertThat(limited.getResources().getRequests()).containsEntry("memory", new Quantity("2Gi"));
    assertThat(limited.getResources().getLimits()).containsEntry("memory", new Quantity("2Gi"));

    Container asked =
        container(
            Jazz.jazz(BASE + "resources: {requests: {memory: 1500Mi}, limits: {memory: 3Gi}}\n"));
    assertThat(asked.getResources().getRequests()).containsEntry("memory", new Quantity("1500Mi"));
    assertThat(asked.getResources().getLimits()).containsEntry("memory", new Quantity("3Gi"));
  }

  /**
   * The image and {@code spring-boot:run} carry the budget of the service's default L1 (256MB)
   * written out; they must say what this class computes.
   */
  @Test
  void theImageAndSpringBootRunCarryTheBudgetOfTheServicesDefaultCache() throws Exception {
    String expected = String.join(" ", new MemoryBudget(256L << 20, true).jvmOptions());
    Path service = Path.of("..", "stream-service");
    assertThat(only("ENV JAVA_TOOL_OPTIONS=\"([^\"]*)\"", service.resolve("Dockerfile")))
        .isEqualTo(expected);
    assertThat(only("<memory.jvm-args>([^<]*)</memory.jvm-args>", service.resolve("pom.xml")))
        .isEqualTo(expected);
  }

  private static String only(String regex, Path file) throws Exception {
    Matcher m = Pattern.compile(regex).matcher(Files.readString(file, UTF_8));
    assertThat(m.find()).as("%s in %s", regex, file).isTrue();
    return m.group(1);
  }
}
