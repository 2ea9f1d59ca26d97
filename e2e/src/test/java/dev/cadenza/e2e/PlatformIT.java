package dev.cadenza.e2e;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import dev.cadenza.client.Backoff;
import dev.cadenza.client.CadenzaClient;
import dev.cadenza.client.CadenzaException;
import dev.cadenza.client.Credentials;
import dev.cadenza.client.Track;
import dev.cadenza.protocol.PlayCommand;
import dev.cadenza.protocol.SessionView;
import dev.cadenza.testsupport.Steps;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.Resource;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The platform as a platform team and its users run it, on a real one-node Kubernetes with real
 * {@code helm} and {@code kubectl}: the chart installed with the images this build made, the
 * library on a PersistentVolume, examples/minimal.yaml applied, the client's CLI in pods, a scale,
 * a pod lost mid-download, a rolling update under load, NGINX in front, and the clean-up. Each step
 * builds on the one before; after a failure the later steps are skipped (and the node still stops).
 * README's "Run it on Kubernetes" shows the same commands.
 */
@ExtendWith({RealNode.class, Steps.class})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PlatformIT {

  static final String OPERATOR_NS = "cadenza-system";
  static final String MUSIC = "music";
  static final String RELEASE = "cadenza";
  static final String MD = "jazz";
  static final String AWS_SECRET = "aws-local";

  private static final Duration READY = Duration.ofMinutes(4);

  /** What examples/minimal.yaml gets for this cluster (README, "Run it on Kubernetes"). */
  static final String EXAMPLE_PATCH =
      "{\"spec\":{\"dynamodb\":{\"credentialsSecret\":\""
          + AWS_SECRET
          + "\"},\"resources\":{\"requests\":{\"cpu\":\"100m\",\"memory\":\"384Mi\"},"
          + "\"limits\":{\"memory\":\"640Mi\"}},\"cache\":{\"memory\":\"64Mi\"}}}";

  private static final Pattern DOWNLOADED =
      Pattern.compile(
          ": (\\d+) bytes, sha256 ([0-9a-f]{64}), ETag \\S+, (\\d+) request\\(s\\), (\\d+) resume\\(s\\)");
  private static final Pattern RESUMED = Pattern.compile("resuming at byte (\\d+)");
  private static final Pattern STARTS =
      Pattern.compile("(?m)^play\\s+PLAYING (\\S+)\\s+local start \\S+ \\((\\d+) µs ±(\\d+) µs");
  private static final Pattern ACCESS =
      Pattern.compile(
          "\"GET (\\S+) HTTP/1\\.1\" (\\d+) \\d+ range=\"([^\"]*)\" upstream=(.+?) upstream_status=");

  private Node node;
  private KubernetesClient kube;
  private Library library;
  private final Map<String, String> trackIds = new TreeMap<>(); // path -> id

  @BeforeAll
  void node(Node node) {
    this.node = node;
    this.kube = node.kube;
  }

  @Test
  @Order(1)
  void helmInstallsTheOperatorWhosePodRunsLockedDownAsTheChartSays() {
    node.kubectl("create", "namespace", OPERATOR_NS);
    node.kubectl("create", "namespace", MUSIC);
    for (String ns : List.of(OPERATOR_NS, MUSIC)) {
      // dynalite takes any key
      node.kubectl(
          "create",
          "secret",
          "generic",
          AWS_SECRET,
          "-n",
          ns,
          "--from-literal=AWS_ACCESS_KEY_ID=e2e",
          "--from-literal=AWS_SECRET_ACCESS_KEY=e2e");
    }
    String operator = node.image("operator");
    node.helm(
        "install",
        RELEASE,
        node.repo.resolve("helm/cadenza-operator").toString(),
        "-n",
        OPERATOR_NS,
        "--set",
        "image.repository=" + operator.substring(0, operator.lastIndexOf(':')),
        "--set",
        "image.tag=" + operator.substring(operator.lastIndexOf(':') + 1),
        "--set",
        "streamImage=" + node.image("stream-service"),
        "--set",
        "aws.endpoint=" + node.dynalite.endpoint(),
        "--set",
        "aws.credentials.existingSecret=" + AWS_SECRET,
        "--wait",
        "--timeout",
        "3m");

    assertThat(node.helm("status", RELEASE, "-n", OPERATOR_NS).out()).contains("STATUS: deployed");
    Pod pod = operatorPod();
    assertThat(ready(pod)).as("operator pod Ready").isTrue();
    PodSecurityContext podSecurity = pod.getSpec().getSecurityContext();
    assertThat(podSecurity.getRunAsNonRoot()).isTrue();
    assertThat(podSecurity.getRunAsUser()).isEqualTo(65532L);
    assertThat(podSecurity.getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
    SecurityContext security = pod.getSpec().getContainers().get(0).getSecurityContext();
    assertThat(security.getReadOnlyRootFilesystem()).isTrue();
    assertThat(security.getAllowPrivilegeEscalation()).isFalse();
    assertThat(security.getCapabilities().getDrop()).containsExactly("ALL");
    assertThat(pod.getSpec().getContainers().get(0).getImage()).isEqualTo(operator);
    // in force in the running container, not only written in its spec
    String name = pod.getMetadata().getName();
    assertThat(node.kubectl("exec", "-n", OPERATOR_NS, name, "--", "id", "-u").out().strip())
        .isEqualTo("65532");
    Command write = node.tryKubectl(null, "exec", "-n", OPERATOR_NS, name, "--", "touch", "/x");
    assertThat(write.exit()).isNotZero();
    assertThat(write.err()).contains("Read-only file system");
  }

  @Test
  @Order(2)
  void theLibraryIsOnAPersistentVolumeAndDynaliteOnTheNodeAddress() {
    library = Library.write(node.repo, node.dir.resolve("library"));
    node.kubectlWithInput(
        Manifests.library(MUSIC, "music", library.dir.toString()), "apply", "-f", "-");

    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () ->
                assertThat(
                        kube.persistentVolumeClaims()
                            .inNamespace(MUSIC)
                            .withName("music")
                            .get()
                            .getStatus()
                            .getPhase())
                    .isEqualTo("Bound"));
    assertThat(node.dynalite.endpoint().getHost()).isEqualTo(Node.ADDRESS);
    assertThat(node.dynalite.tableNames()).isEmpty();
  }

  @Test
  @Order(3)
  void theMinimalExampleGetsActiveTablesAndTwoReadyStreamPods() {
    // examples/minimal.yaml as it is, plus what this cluster needs: the pods' DynamoDB keys, and
    // smaller pods than the default (1488Mi each, the budget of a 512Mi cache) on a node that runs
    // the build too
    Command example =
        node.kubectl(
            "patch",
            "--local",
            "-f",
            node.repo.resolve("examples/minimal.yaml").toString(),
            "--type",
            "merge",
            "-p",
            EXAMPLE_PATCH,
            "-o",
            "yaml");
    node.kubectlWithInput(example.out(), "apply", "-f", "-");

    awaitStreamPods(2);
    GenericKubernetesResource md = musicDelivery();
    assertThat(condition(md, "Ready")).isEqualTo("True");
    List<Map<String, Object>> tables = status(md, "tables");
    assertThat(tables)
        .extracting(t -> t.get("name"), t -> t.get("status"))
        .containsExactlyInAnyOrder(
            tuple("jazz-catalog", "ACTIVE"),
            tuple("jazz-chunks", "ACTIVE"),
            tuple("jazz-sessions", "ACTIVE"),
            tuple("jazz-users", "ACTIVE"));
    try (var dynamo = node.dynalite.client()) {
      for (String table : List.of("jazz-catalog", "jazz-chunks", "jazz-sessions", "jazz-users")) {
        assertThat(dynamo.describeTable(b -> b.tableName(table)).table().tableStatusAsString())
            .isEqualTo("ACTIVE");
      }
    }
    for (Pod pod : streamPods()) {
      Container stream = pod.getSpec().getContainers().get(0);
      assertThat(stream.getReadinessProbe().getHttpGet().getPath())
          .isEqualTo("/actuator/health/readiness");
      // the actuator's own port, which no Service, Ingress or front leads to
      assertThat(stream.getReadinessProbe().getHttpGet().getPort().getStrVal())
          .isEqualTo("management");
      assertThat(ready(pod))
          .as("%s Ready through its own probe", pod.getMetadata().getName())
          .isTrue();
    }
    // the operator reads every ready pod's /actuator/info at its IP on the management port
    await()
        .atMost(Duration.ofSeconds(90))
        .untilAsserted(
            () -> {
              Map<String, Object> catalogue = status(musicDelivery(), "catalogue");
              assertThat(catalogue).as("status.catalogue").isNotNull();
              assertThat(((Number) catalogue.get("pods")).intValue()).isEqualTo(2);
            });

    List<List<String>> table = table(node.kubectl("get", "md", "-n", MUSIC).out());
    assertThat(table.get(0)).containsExactly("NAME", "AGE", "READY", "REPLICAS", "URL");
    assertThat(table.get(1))
        .startsWith(MD)
        .endsWith("True", "2", "http://jazz.music.svc.cluster.local");

    for (Track t : client().tracks(null, 500, null).items()) {
      trackIds.put(t.path(), t.id());
    }
    assertThat(trackIds.keySet()).containsExactlyInAnyOrderElementsOf(library.paths());
  }

  @Test
  @Order(4)
  void theClientInAPodListsAndDownloadsAndTwoPlayerPodsStartTogether() {
    String url = "http://" + serviceIp(MD);
    String tracks = runJob("tracks", List.of("tracks", url));
    assertThat(tracks.lines().filter(l -> l.matches("^[A-Za-z0-9_-]{16}  .*")))
        .hasSize(trackIds.size());
    assertThat(tracks).contains(trackIds.get(Library.LONG_1)).contains("First Light");

    String path = "Aurora Lane/Dawn Sketches/01 First Light.mp3";
    assertThat(trackIds).containsKey(path);
    String download =
        runJob("download", List.of("download", url, trackIds.get(path), "/tmp/track"));
    assertThat(downloaded(download).group(2)).isEqualTo(library.sha256(path));

    CadenzaClient dj = client();
    SessionView session = dj.createSession("e2e");
    List<String> players = List.of("player-1", "player-2");
    for (String player : players) {
      startJob(player, List.of("join", url, session.id(), player));
    }
    await()
        .atMost(READY)
        .untilAsserted(
            () -> assertThat(players).allSatisfy(p -> assertThat(logs(p)).contains("joined ")));
    String track = trackIds.get("The Quiet Modes/Seven Modes/01 Dorian Walk.mp3");
    dj.play(session.id(), new PlayCommand(track, 0L, null));
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () -> assertThat(players).allSatisfy(p -> assertThat(logs(p)).contains("play ")));
    dj.deleteSession(session.id());

    List<long[]> starts = new ArrayList<>();
    for (String player : players) {
      Matcher m = STARTS.matcher(awaitJob(player));
      assertThat(m.find()).isTrue();
      assertThat(m.group(1)).isEqualTo(track);
      starts.add(new long[] {Long.parseLong(m.group(2)), Long.parseLong(m.group(3))});
    }
    long spread = Math.abs(starts.get(0)[0] - starts.get(1)[0]);
    long bound = starts.get(0)[1] + starts.get(1)[1];
    System.out.printf(
        "[e2e] two player pods start %d µs apart; the sum of their clock error bounds is %d µs%n",
        spread, bound);
    // docs/client.md: two players of one session differ by at most the sum of their errors
    assertThat(spread).isLessThanOrEqualTo(bound);
  }

  @Test
  @Order(5)
  void aListenersOwnAppFindsTheirFavouritesAndPlaylistsOnEveryPod() throws Exception {
    // a Subsonic player as people already use them: token authentication, each request to whichever
    // pod; here to each pod in turn, by its own address
    List<String> pods = streamPods().stream().map(p -> p.getStatus().getPodIP()).toList();
    assertThat(pods).hasSize(2);
    String password = adminPassword();
    String track = trackIds.get(Library.LONG_1);
    String playlist = "e2e " + System.nanoTime();

    assertThat(subsonic(pods.get(0), password, "star", "id=" + track))
        .contains("\"status\":\"ok\"");
    assertThat(
            subsonic(
                pods.get(0),
                password,
                "createPlaylist",
                "name=" + URLEncoder.encode(playlist, UTF_8) + "&songId=" + track))
        .contains("\"status\":\"ok\"");
    assertThat(subsonic(pods.get(1), password, "ping", "")).contains("\"status\":\"ok\"");
    assertThat(subsonic(pods.get(1), password, "getStarred2", ""))
        .as("the star made through the other pod")
        .contains("\"id\":\"" + track + "\"");
    assertThat(subsonic(pods.get(1), password, "getPlaylists", ""))
        .as("the playlist made through the other pod")
        .contains(playlist);
    assertThat(subsonic(pods.get(1), password, "search3", "query=&songCount=500"))
        .contains("\"id\":\"" + track + "\"");
  }

  /**
   * {@code /rest/<method>} on one pod, as the admin with Subsonic token authentication (md5 of the
   * password and a fresh salt), in JSON; answers the body.
   */
  private String subsonic(String podIp, String password, String method, String query)
      throws Exception {
    String salt = Long.toHexString(System.nanoTime());
    String token =
        HexFormat.of()
            .formatHex(MessageDigest.getInstance("MD5").digest((password + salt).getBytes(UTF_8)));
    URI uri =
        URI.create(
            "http://"
                + podIp
                + ":8080/rest/"
                + method
                + ".view?u=admin&t="
                + token
                + "&s="
                + salt
                + "&v=1.16.1&c=e2e&f=json"
                + (query.isEmpty() ? "" : "&" + query));
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as("%s on %s", method, podIp).isEqualTo(200);
    return response.body();
  }

  @Test
  @Order(6)
  void scalesToThreeAndBackAndADownloadResumesOnAnotherPodWhenItsPodIsDeleted() {
    node.kubectl("scale", "md", MD, "-n", MUSIC, "--replicas=3");
    awaitStreamPods(3);
    assertThat(table(node.kubectl("get", "md", "-n", MUSIC).out()).get(1)).contains("3");
    node.kubectl("scale", "md", MD, "-n", MUSIC, "--replicas=2");
    awaitStreamPods(2);

    String service = serviceIp(MD);
    String job = "download-resume";
    startJob(
        job,
        List.of(
            "download",
            "http://" + service,
            trackIds.get(Library.LONG_1),
            "/tmp/track",
            Library.PACE));
    String serving = servingPod(job, service, 80);
    deletePodNow(serving);

    String out = awaitJob(job);
    Matcher done = downloaded(out);
    assertThat(done.group(2)).as("the bytes, exactly").isEqualTo(library.sha256(Library.LONG_1));
    assertThat(Integer.parseInt(done.group(4))).as("resumes").isPositive();
    Matcher resumed = RESUMED.matcher(out);
    assertThat(resumed.find()).as("a resume is reported: %s", out).isTrue();
    System.out.printf(
        "[e2e] %s deleted mid-download; the client resumed at byte %s of %d on another pod%n",
        serving, resumed.group(1), library.size(Library.LONG_1));
    awaitStreamPods(2);
  }

  @Test
  @Order(7)
  void aSpecChangeRollsThePodsWithoutOneFailedRequest() throws Exception {
    Set<String> before = names(streamPods());
    CadenzaClient client =
        CadenzaClient.builder(URI.create("http://" + serviceIp(MD)))
            .requestTimeout(Duration.ofSeconds(10))
            .credentials(admin())
            .build();
    String shortTrack = trackIds.get("Generated/Short Take 1.wav");
    AtomicBoolean stop = new AtomicBoolean();
    AtomicInteger ok = new AtomicInteger();
    ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    ExecutorService load = Executors.newFixedThreadPool(4);
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5); // the load's bound
    for (int i = 0; i < 4; i++) {
      load.submit(
          () -> {
            while (!stop.get() && System.nanoTime() < deadline) {
              try {
                client.tracks(null, 20, null);
                // no retries: a request that fails is a failure
                client
                    .downloader()
                    .withRetries(0, Backoff.DEFAULT)
                    .download(shortTrack, OutputStream.nullOutputStream(), (r, t) -> {});
                ok.incrementAndGet();
              } catch (CadenzaException e) {
                failures.add(e.getMessage());
              }
            }
          });
    }
    try {
      await().atMost(Duration.ofSeconds(30)).until(() -> ok.get() >= 20);
      node.kubectl(
          "patch",
          "md",
          MD,
          "-n",
          MUSIC,
          "--type",
          "merge",
          "-p",
          "{\"spec\":{\"cache\":{\"memory\":\"48Mi\"}}}");
      await()
          .atMost(READY)
          .untilAsserted(() -> assertThat(names(streamPods())).doesNotContainAnyElementsOf(before));
      awaitStreamPods(2);
      int atRolledOut = ok.get();
      await().atMost(Duration.ofSeconds(30)).until(() -> ok.get() >= atRolledOut + 20);
    } finally {
      stop.set(true);
      load.shutdown();
      assertThat(load.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
    }
    System.out.printf(
        "[e2e] rolling update under load: %d requests pairs, %d failed%n",
        ok.get(), failures.size());
    assertThat(failures).as("failed requests during the roll").isEmpty();
  }

  @Test
  @Order(8)
  void nginxInFrontKeepsEachTrackOnOnePodAndADownloadSurvivesThatPodsLoss() throws Exception {
    node.kubectlWithInput(Manifests.headlessService(MUSIC, "jazz-pods", MD), "apply", "-f", "-");
    List<String> pods = new ArrayList<>();
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () -> {
              pods.clear();
              pods.addAll(readyEndpoints("jazz-pods"));
              assertThat(pods).hasSize(2);
            });
    Path config = node.dir.resolve("front/nginx.conf");
    Files.createDirectories(config.getParent());
    Files.writeString(
        config,
        Manifests.frontConfig(
            Files.readString(node.repo.resolve("nginx-ingress/nginx.conf.template")), pods, 8080));
    node.kubectl("create", "configmap", "front", "-n", MUSIC, "--from-file=nginx.conf=" + config);
    node.kubectlWithInput(Manifests.front(MUSIC, "front", node.image("nginx")), "apply", "-f", "-");
    node.kubectl("rollout", "status", "deployment/front", "-n", MUSIC, "--timeout=2m");
    String front = serviceIp("front");
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    // A new Service answers once kube-proxy has written its rules (slower on a busy machine). Each
    // try is on a connection of its own: before the rules, a connection to the ClusterIP leaves the
    // node and something else answers (the build machine's egress, "server: keryx", 404); a client
    // that kept that connection alive asked it again and again after the rules were there (seen
    // twice in CI: 404 for the whole 90 s).
    URI first = URI.create("http://" + front + "/api/v1/tracks?limit=1");
    String authorization = admin().authorization();
    await()
        .atMost(Duration.ofSeconds(90))
        .untilAsserted(
            () -> {
              try {
                HttpResponse<String> answer =
                    HttpClient.newBuilder()
                        .connectTimeout(Duration.ofSeconds(5))
                        .build()
                        .send(
                            HttpRequest.newBuilder(first)
                                .header("Authorization", authorization)
                                .timeout(Duration.ofSeconds(10))
                                .build(),
                            HttpResponse.BodyHandlers.ofString());
                // who answered, if not the pods through the front (a 404 seen once in CI)
                String body = answer.body();
                assertThat(answer.statusCode())
                    .as(
                        "GET %s: headers %s, body %s",
                        first,
                        answer.headers().map(),
                        body.substring(0, Math.min(body.length(), 300)))
                    .isEqualTo(200);
              } catch (IOException e) {
                throw new AssertionError("GET " + first + ": " + e, e);
              }
            });
    for (int round = 0; round < 3; round++) {
      for (String id : trackIds.values()) {
        HttpResponse<Void> response =
            http.send(
                HttpRequest.newBuilder(
                        URI.create("http://" + front + "/api/v1/tracks/" + id + "/stream"))
                    .header("Authorization", authorization)
                    .header("Range", "bytes=0-65535")
                    .timeout(Duration.ofSeconds(30))
                    .build(),
                HttpResponse.BodyHandlers.discarding());
        assertThat(response.statusCode()).isIn(200, 206);
      }
    }
    Map<String, Set<String>> upstreams = new HashMap<>();
    for (Matcher m : accessLog()) {
      if (m.group(1).startsWith("/api/v1/tracks/")) {
        upstreams.computeIfAbsent(m.group(1), k -> new HashSet<>()).add(m.group(4));
      }
    }
    // the front leads to the pods' API port, which does not serve the actuator
    for (String path : List.of("/actuator/prometheus", "/actuator/health/readiness")) {
      assertThat(
              http.send(
                      HttpRequest.newBuilder(URI.create("http://" + front + path))
                          .timeout(Duration.ofSeconds(10))
                          .build(),
                      HttpResponse.BodyHandlers.discarding())
                  .statusCode())
          .as("GET %s through the front", path)
          .isEqualTo(404);
    }
    Set<String> podUpstreams = pods.stream().map(a -> a + ":8080").collect(Collectors.toSet());
    assertThat(upstreams).hasSize(trackIds.size());
    assertThat(upstreams)
        .allSatisfy(
            (uri, answered) ->
                assertThat(answered)
                    .as("pods that answered %s", uri)
                    .hasSize(1)
                    .isSubsetOf(podUpstreams));
    System.out.printf(
        "[e2e] through nginx: %d tracks, 3 requests each, each track on one pod; tracks per pod: %s%n",
        upstreams.size(),
        upstreams.values().stream()
            .flatMap(Set::stream)
            .collect(Collectors.groupingBy(u -> u, TreeMap::new, Collectors.counting())));

    String uri = "/api/v1/tracks/" + trackIds.get(Library.LONG_2) + "/stream";
    String owner = upstreams.get(uri).iterator().next();
    String job = "download-front";
    startJob(
        job,
        List.of(
            "download",
            "http://" + front,
            trackIds.get(Library.LONG_2),
            "/tmp/track",
            Library.PACE));
    await()
        .atMost(READY)
        .until(() -> jobPodIp(job).flatMap(ip -> Conntrack.backend(ip, front, 80)).isPresent());
    String ownerIp = owner.substring(0, owner.indexOf(':'));
    String ownerPod =
        streamPods().stream()
            .filter(p -> ownerIp.equals(p.getStatus().getPodIP()))
            .findFirst()
            .orElseThrow()
            .getMetadata()
            .getName();
    deletePodNow(ownerPod);

    String out = awaitJob(job);
    Matcher done = downloaded(out);
    assertThat(done.group(2)).as("the bytes, exactly").isEqualTo(library.sha256(Library.LONG_2));
    assertThat(Integer.parseInt(done.group(4))).as("resumes").isPositive();
    List<Matcher> resumed =
        accessLog().stream()
            .filter(m -> m.group(1).equals(uri) && m.group(3).matches("bytes=[1-9][0-9]*-"))
            .toList();
    assertThat(resumed).as("the resumed request in nginx's log").isNotEmpty();
    Matcher last = resumed.get(resumed.size() - 1);
    assertThat(last.group(2)).isEqualTo("206");
    String[] tried = last.group(4).split(", ");
    assertThat(tried[tried.length - 1]).as("answered by the other pod").isNotEqualTo(owner);
    System.out.printf(
        "[e2e] %s (%s) deleted mid-download through nginx; the resume (%s) went to %s%n",
        ownerPod, owner, last.group(3), last.group(4));
    awaitStreamPods(2);
  }

  /**
   * Pods that cannot become ready, each for another reason, produced for real on the node: the
   * MusicDelivery's {@code Degraded} condition names the reason and says what to fix.
   */
  @Test
  @Order(9)
  void theStatusSaysWhyStreamPodsAreNotReady() {
    // a claim no volume will bind: its storage class has no provisioner
    node.kubectlWithInput(
        "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: unbound, namespace: "
            + MUSIC
            + "}\nspec:\n  accessModes: [ReadOnlyMany]\n  storageClassName: no-provisioner\n"
            + "  resources: {requests: {storage: 1Gi}}\n",
        "apply",
        "-f",
        "-");
    Map<String, String> broken = new TreeMap<>();
    broken.put("pull", "{\"image\":\"localhost/cadenza/no-such-image:1\"}");
    broken.put(
        "crash",
        "{\"library\":{\"persistentVolumeClaim\":\"music\","
            + "\"subPath\":\"Aurora Lane/Tides/01 Low Water.ogg\"}}");
    broken.put("noclaim", "{\"library\":{\"persistentVolumeClaim\":\"nowhere\"}}");
    broken.put("pending", "{\"library\":{\"persistentVolumeClaim\":\"unbound\"}}");
    broken.put(
        "huge",
        "{\"resources\":{\"requests\":{\"memory\":\"900Gi\"},\"limits\":{\"memory\":\"900Gi\"}}}");
    for (var e : broken.entrySet()) {
      applyExample(e.getKey(), e.getValue());
    }

    Map<String, String> reasons =
        Map.of(
            "pull", "ImagePullFailed",
            "crash", "CrashLooping",
            "noclaim", "LibraryClaimMissing",
            "pending", "LibraryClaimPending",
            "huge", "Unschedulable");
    Map<String, List<String>> words =
        Map.of(
            "pull", List.of("localhost/cadenza/no-such-image:1", "cannot be pulled", "spec.image"),
            "crash",
                List.of("keeps exiting", "cadenza.library.path", "is not a readable directory"),
            "noclaim", List.of("PersistentVolumeClaim nowhere not found", "music"),
            "pending", List.of("PersistentVolumeClaim unbound", "Pending"),
            "huge", List.of("cannot be scheduled", "Insufficient memory"));
    try {
      await()
          .atMost(READY)
          .untilAsserted(
              () -> {
                for (String name : broken.keySet()) {
                  GenericKubernetesResource md = musicDelivery(name);
                  assertThat(condition(md, "Ready")).as(name).isEqualTo("False");
                  assertThat(condition(md, "Degraded")).as(name).isEqualTo("True");
                  Map<String, Object> degraded = conditionOf(md, "Degraded");
                  assertThat(degraded.get("reason")).as(name).isEqualTo(reasons.get(name));
                  assertThat((String) degraded.get("message"))
                      .as(name)
                      .contains(words.get(name))
                      .doesNotContain("\tat ", "Exception");
                }
              });
    } finally {
      List<String> args = new ArrayList<>(List.of("delete", "md", "-n", MUSIC, "--wait=false"));
      args.addAll(broken.keySet());
      node.tryKubectl(null, args.toArray(String[]::new));
      node.tryKubectl(null, "delete", "pvc", "unbound", "-n", MUSIC, "--wait=false");
    }
    await()
        .atMost(READY)
        .untilAsserted(
            () ->
                assertThat(
                        kube.genericKubernetesResources("cadenza.dev/v1alpha1", "MusicDelivery")
                            .inNamespace(MUSIC)
                            .list()
                            .getItems())
                    .extracting(md -> md.getMetadata().getName())
                    .containsExactly(MD));
  }

  /** examples/minimal.yaml renamed, with one replica, its own tables and the given spec merged. */
  private void applyExample(String name, String spec) {
    Command md =
        node.kubectl(
            "patch",
            "--local",
            "-f",
            node.repo.resolve("examples/minimal.yaml").toString(),
            "--type",
            "merge",
            "-p",
            "{\"metadata\":{\"name\":\""
                + name
                + "\"},\"spec\":{\"replicas\":1,"
                + "\"resources\":{\"limits\":{\"memory\":\"640Mi\"}},\"dynamodb\":{"
                + "\"tablePrefix\":\""
                + name
                + "\",\"deletionPolicy\":\"Delete\",\"credentialsSecret\":\""
                + AWS_SECRET
                + "\"}}}",
            "-o",
            "yaml");
    Command patched =
        node.kubectlWithInput(
            md.out(),
            "patch",
            "--local",
            "-f",
            "-",
            "--type",
            "merge",
            "-p",
            "{\"spec\":" + spec + "}",
            "-o",
            "yaml");
    node.kubectlWithInput(patched.out(), "apply", "-f", "-");
  }

  @Test
  @Order(10)
  void deletingHonoursTheDeletionPolicyAndHelmUninstallLeavesOnlyTheCrd() {
    // a second MusicDelivery whose tables go with it
    applyExample("blues", "{}");
    await()
        .atMost(READY)
        .untilAsserted(
            () ->
                assertThat(node.dynalite.tableNames())
                    .contains("blues-catalog", "blues-chunks", "blues-sessions", "blues-users"));

    node.kubectl("delete", "md", MD, "blues", "-n", MUSIC, "--timeout=3m");
    await()
        .atMost(READY)
        .untilAsserted(
            () -> {
              assertThat(
                      kube.pods()
                          .inNamespace(MUSIC)
                          .withLabel("app.kubernetes.io/name", "cadenza-stream")
                          .list()
                          .getItems())
                  .isEmpty();
              assertThat(
                      kube.apps()
                          .deployments()
                          .inNamespace(MUSIC)
                          .withLabel("app.kubernetes.io/name", "cadenza-stream")
                          .list()
                          .getItems())
                  .isEmpty();
            });
    assertThat(node.dynalite.tableNames())
        .as("Retain keeps jazz's tables, Delete removes blues'")
        .contains("jazz-catalog", "jazz-chunks", "jazz-sessions", "jazz-users")
        .noneMatch(t -> t.startsWith("blues-"));

    String chart = node.repo.resolve("helm/cadenza-operator").toString();
    node.helm(
        "upgrade",
        RELEASE,
        chart,
        "-n",
        OPERATOR_NS,
        "--reuse-values",
        "--set",
        "resources.limits.memory=384Mi",
        "--wait",
        "--timeout",
        "3m");
    Deployment operator = operatorDeployment();
    assertThat(
            operator
                .getSpec()
                .getTemplate()
                .getSpec()
                .getContainers()
                .get(0)
                .getResources()
                .getLimits()
                .get("memory")
                .toString())
        .isEqualTo("384Mi");
    assertThat(operator.getStatus().getUpdatedReplicas()).isEqualTo(1);
    assertThat(
            operatorPod()
                .getSpec()
                .getContainers()
                .get(0)
                .getResources()
                .getLimits()
                .get("memory")
                .toString())
        .isEqualTo("384Mi");

    node.helm("uninstall", RELEASE, "-n", OPERATOR_NS, "--wait", "--timeout", "3m");
    // the operator's pods end after their Deployment (garbage collection, then their grace period)
    await()
        .atMost(Duration.ofSeconds(90))
        .untilAsserted(
            () ->
                assertThat(kube.pods().inNamespace(OPERATOR_NS).list().getItems())
                    .as("operator pods")
                    .isEmpty());
    // the leader-election Lease too: the operator made the Deployment its owner, so the garbage
    // collector removes it (within seconds of the Deployment)
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () ->
                assertThat(node.kubectl("get", "leases", "-n", OPERATOR_NS, "-o", "name").out())
                    .as("leases left in %s", OPERATOR_NS)
                    .isBlank());
    String left =
        node.kubectl(
                "get",
                "deployments,replicasets,pods,services,serviceaccounts,configmaps,secrets,roles,"
                    + "rolebindings,leases",
                "-n",
                OPERATOR_NS,
                "-o",
                "name")
            .out();
    assertThat(left.lines())
        .as("what is left in %s", OPERATOR_NS)
        .containsExactlyInAnyOrder(
            "serviceaccount/default", "configmap/kube-root-ca.crt", "secret/" + AWS_SECRET);
    assertThat(node.kubectl("get", "clusterroles,clusterrolebindings", "-o", "name").out().lines())
        .noneMatch(n -> n.contains("cadenza"));
    assertThat(
            node.kubectl("get", "crd", "musicdeliveries.cadenza.dev", "-o", "name").out().strip())
        .isEqualTo("customresourcedefinition.apiextensions.k8s.io/musicdeliveries.cadenza.dev");
  }

  // ---- the platform's objects

  private GenericKubernetesResource musicDelivery() {
    return musicDelivery(MD);
  }

  private GenericKubernetesResource musicDelivery(String name) {
    return kube.genericKubernetesResources("cadenza.dev/v1alpha1", "MusicDelivery")
        .inNamespace(MUSIC)
        .withName(name)
        .get();
  }

  @SuppressWarnings("unchecked")
  private static <T> T status(GenericKubernetesResource md, String field) {
    Map<String, Object> status = (Map<String, Object>) md.getAdditionalProperties().get("status");
    return status == null ? null : (T) status.get(field);
  }

  private static Long number(GenericKubernetesResource md, String field) {
    Number n = status(md, field);
    return n == null ? null : n.longValue();
  }

  private static Map<String, Object> conditionOf(GenericKubernetesResource md, String type) {
    List<Map<String, Object>> conditions = status(md, "conditions");
    return conditions == null
        ? Map.of()
        : conditions.stream().filter(c -> type.equals(c.get("type"))).findFirst().orElse(Map.of());
  }

  private static String condition(GenericKubernetesResource md, String type) {
    List<Map<String, Object>> conditions = status(md, "conditions");
    return conditions == null
        ? null
        : conditions.stream()
            .filter(c -> type.equals(c.get("type")))
            .map(c -> (String) c.get("status"))
            .findFirst()
            .orElse(null);
  }

  /**
   * Until the MusicDelivery reports {@code replicas} ready pods of its current generation and
   * exactly that many stream pods run, every one Ready.
   */
  private void awaitStreamPods(int replicas) {
    await()
        .atMost(READY)
        .pollInterval(Duration.ofSeconds(1))
        .untilAsserted(
            () -> {
              GenericKubernetesResource md = musicDelivery();
              assertThat(number(md, "observedGeneration"))
                  .isEqualTo(md.getMetadata().getGeneration());
              assertThat(number(md, "readyReplicas")).isEqualTo((long) replicas);
              assertThat(condition(md, "Ready")).isEqualTo("True");
              Deployment d = kube.apps().deployments().inNamespace(MUSIC).withName(MD).get();
              assertThat(d.getStatus().getUpdatedReplicas()).isEqualTo(replicas);
              assertThat(d.getStatus().getReadyReplicas()).isEqualTo(replicas);
              assertThat(streamPods()).hasSize(replicas).allMatch(PlatformIT::ready);
            });
  }

  /** The stream pods of jazz that run (not those terminating). */
  private List<Pod> streamPods() {
    return kube
        .pods()
        .inNamespace(MUSIC)
        .withLabel("app.kubernetes.io/instance", MD)
        .withLabel("app.kubernetes.io/name", "cadenza-stream")
        .list()
        .getItems()
        .stream()
        .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
        .toList();
  }

  private static Set<String> names(List<Pod> pods) {
    return pods.stream().map(p -> p.getMetadata().getName()).collect(Collectors.toSet());
  }

  private static boolean ready(Pod pod) {
    return pod.getStatus().getConditions().stream()
        .anyMatch(c -> c.getType().equals("Ready") && c.getStatus().equals("True"));
  }

  private Deployment operatorDeployment() {
    return kube.apps()
        .deployments()
        .inNamespace(OPERATOR_NS)
        .withLabel("app.kubernetes.io/instance", RELEASE)
        .list()
        .getItems()
        .get(0);
  }

  private Pod operatorPod() {
    List<Pod> pods =
        kube
            .pods()
            .inNamespace(OPERATOR_NS)
            .withLabel("app.kubernetes.io/instance", RELEASE)
            .list()
            .getItems()
            .stream()
            .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
            .toList();
    assertThat(pods).hasSize(1);
    return pods.get(0);
  }

  private String serviceIp(String name) {
    return kube.services().inNamespace(MUSIC).withName(name).get().getSpec().getClusterIP();
  }

  /** The ready addresses of a Service's endpoints. */
  private List<String> readyEndpoints(String service) {
    List<String> addresses = new ArrayList<>();
    for (EndpointSlice slice :
        kube.discovery()
            .v1()
            .endpointSlices()
            .inNamespace(MUSIC)
            .withLabel("kubernetes.io/service-name", service)
            .list()
            .getItems()) {
      for (Endpoint e : Objects.requireNonNullElse(slice.getEndpoints(), List.<Endpoint>of())) {
        if (Boolean.TRUE.equals(e.getConditions().getReady())) {
          addresses.addAll(e.getAddresses());
        }
      }
    }
    return addresses;
  }

  /** The host's client of the Service (kube-proxy serves ClusterIPs on the node, too). */
  private CadenzaClient client() {
    return CadenzaClient.builder(URI.create("http://" + serviceIp(MD)))
        .credentials(admin())
        .build();
  }

  /**
   * The first admin of jazz, as a platform team logs in: the password the operator generated into
   * the Secret {@code jazz-auth} (docs/operator.md).
   */
  private Credentials admin() {
    return Credentials.password("admin", adminPassword());
  }

  private String adminPassword() {
    Secret secret = kube.secrets().inNamespace(MUSIC).withName(MD + "-auth").get();
    assertThat(secret).as("the operator's generated Secret %s-auth", MD).isNotNull();
    return new String(Base64.getDecoder().decode(secret.getData().get("password")), UTF_8);
  }

  /**
   * The stream pod that a job's connection to {@code service}:{@code port} went to, once the job's
   * download is in flight.
   */
  private String servingPod(String job, String service, int port) {
    String backend =
        await()
            .atMost(READY)
            .until(
                () ->
                    jobPodIp(job).flatMap(ip -> Conntrack.backend(ip, service, port)).orElse(null),
                Objects::nonNull);
    String ip = backend.substring(0, backend.indexOf(':'));
    return streamPods().stream()
        .filter(p -> ip.equals(p.getStatus().getPodIP()))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no stream pod has " + backend))
        .getMetadata()
        .getName();
  }

  /**
   * Deletes a stream pod with a one-second grace period: its streams are cut, as when a node is
   * lost or a drain's grace runs out (with the default grace a stream has 20 s to finish).
   */
  private void deletePodNow(String pod) {
    node.kubectl("delete", "pod", pod, "-n", MUSIC, "--grace-period=1", "--wait=false");
  }

  // ---- jobs running the client's CLI

  private void startJob(String name, List<String> args) {
    node.kubectlWithInput(
        Manifests.clientJob(MUSIC, name, node.image("client"), MD + "-auth", args),
        "apply",
        "-f",
        "-");
  }

  /** Runs the CLI in a job to its end; answers what it printed (it must exit 0). */
  private String runJob(String name, List<String> args) {
    startJob(name, args);
    return awaitJob(name);
  }

  private String awaitJob(String name) {
    Resource<Job> job = kube.batch().v1().jobs().inNamespace(MUSIC).withName(name);
    await()
        .atMost(READY)
        .until(
            () -> {
              var status = job.get().getStatus();
              return status != null
                  && (Objects.requireNonNullElse(status.getSucceeded(), 0) > 0
                      || Objects.requireNonNullElse(status.getFailed(), 0) > 0);
            });
    String logs = logs(name);
    assertThat(job.get().getStatus().getSucceeded()).as("job %s: %s", name, logs).isEqualTo(1);
    // its pod's sandbox and containerd shim go with it
    node.kubectl("delete", "job", name, "-n", MUSIC, "--cascade=background", "--wait=false");
    return logs;
  }

  private String logs(String job) {
    return node.tryKubectl(null, "logs", "job/" + job, "-n", MUSIC).out();
  }

  private Optional<String> jobPodIp(String job) {
    return kube
        .pods()
        .inNamespace(MUSIC)
        .withLabel("batch.kubernetes.io/job-name", job)
        .list()
        .getItems()
        .stream()
        .map(p -> p.getStatus().getPodIP())
        .filter(Objects::nonNull)
        .findFirst();
  }

  private static Matcher downloaded(String out) {
    Matcher m = DOWNLOADED.matcher(out);
    assertThat(m.find()).as("a finished download in: %s", out).isTrue();
    return m;
  }

  // ---- output

  /** The NGINX front's access log, one match of {@link #ACCESS} per request. */
  private List<Matcher> accessLog() {
    String log =
        node.kubectl(
                "exec",
                "-n",
                MUSIC,
                "deployment/front",
                "--",
                "cat",
                Manifests.FRONT_PREFIX + "/access.log")
            .out();
    List<Matcher> lines = new ArrayList<>();
    for (String line : log.lines().toList()) {
      Matcher m = ACCESS.matcher(line);
      if (m.find()) {
        lines.add(m);
      }
    }
    return lines;
  }

  /** kubectl's table output, as rows of columns. */
  private static List<List<String>> table(String out) {
    return out.lines().map(l -> List.of(l.trim().split("\\s{2,}"))).toList();
  }
}
