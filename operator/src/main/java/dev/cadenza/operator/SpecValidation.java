package dev.cadenza.operator;

import dev.cadenza.operator.crd.v1alpha1.Cache;
import dev.cadenza.operator.crd.v1alpha1.Formats;
import dev.cadenza.operator.crd.v1alpha1.Library;
import dev.cadenza.operator.crd.v1alpha1.MusicDelivery;
import dev.cadenza.operator.crd.v1alpha1.MusicDeliverySpec;
import dev.cadenza.operator.crd.v1alpha1.Ntp;
import dev.cadenza.operator.crd.v1alpha1.Resources;
import dev.cadenza.operator.crd.v1alpha1.Routing;
import dev.cadenza.operator.dynamodb.DynamoDbClients;
import io.fabric8.kubernetes.api.model.Quantity;
import java.math.BigDecimal;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What in a MusicDelivery's spec cannot work, found before anything is made from it: the operator's
 * twin of the rules the CRD gives the API server. The API server refuses such a resource already,
 * but not one stored before its CRD had the rule (Kubernetes keeps a value an update does not
 * touch), nor one in a cluster whose CRD is older than the operator ({@code helm upgrade} does not
 * upgrade CRDs). A pure function of the resource; docs/operator.md lists every rule.
 */
final class SpecValidation {

  /**
   * One thing that cannot work.
   *
   * @param field the field, as in the resource ({@code spec.cache.chunkSize})
   * @param message what is wrong with it and what to do
   */
  record Problem(String field, String message) {
    @Override
    public String toString() {
      return field + ": " + message;
    }
  }

  /** A Kubernetes quantity, as the API server parses it. */
  private static final Pattern QUANTITY =
      Pattern.compile(
          "^[+-]?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)([KMGTPE]i|[numkMGTPE]|[eE][+-]?[0-9]+)?$");

  /** A size as the stream service reads it: the CRD's quantities and the K of older CRDs. */
  private static final Pattern SIZE = Pattern.compile("^([0-9]+)(Ki|Mi|Gi|k|K|M|G)?$");

  private static final Pattern DURATION = Pattern.compile("^([0-9]+)(ms|s|m|h)$");

  private static final Pattern SUBPATH_BACKSTEP = Pattern.compile("(^|/)[.][.](/|$)");

  private SpecValidation() {}

  /** Everything in {@code md} that cannot work; empty when nothing is found. */
  static List<Problem> problems(MusicDelivery md) {
    List<Problem> problems = new ArrayList<>();
    String name = md.getMetadata().getName();
    if (name == null || name.length() > 63 || !name.matches(Formats.DNS_LABEL)) {
      problems.add(new Problem("metadata.name", MusicDelivery.NAME_MESSAGE));
    }
    MusicDeliverySpec spec = md.getSpec();
    if (spec.image != null && !spec.image.matches(Formats.IMAGE)) {
      problems.add(new Problem("spec.image", MusicDeliverySpec.IMAGE_MESSAGE));
    }
    resources(spec, problems);
    library(spec.library, problems);
    cache(spec.cache, problems);
    if (spec.dynamodb.endpoint != null && !spec.dynamodb.endpoint.isEmpty()) {
      endpoint(spec.dynamodb.endpoint, problems);
    }
    ntp(spec.ntp, problems);
    routing(spec.routing, problems);
    return problems;
  }

  private static void resources(MusicDeliverySpec spec, List<Problem> problems) {
    Resources r = spec.resources;
    if (r == null) {
      return;
    }
    quantities("spec.resources.requests", r.requests, problems);
    quantities("spec.resources.limits", r.limits, problems);
    if (r.requests != null && r.limits != null) {
      for (Map.Entry<String, Quantity> request : r.requests.entrySet()) {
        BigDecimal wanted = amount(request.getValue());
        BigDecimal limit = amount(r.limits.get(request.getKey()));
        if (wanted != null && limit != null && wanted.compareTo(limit) > 0) {
          problems.add(
              new Problem(
                  "spec.resources.requests." + request.getKey(), Resources.REQUESTS_MESSAGE));
        }
      }
    }
    if (spec.autoscaling != null && !asks(r.requests, "cpu") && !asks(r.limits, "cpu")) {
      problems.add(
          new Problem("spec.resources.requests.cpu", MusicDeliverySpec.AUTOSCALING_CPU_MESSAGE));
    }
  }

  private static boolean asks(Map<String, Quantity> amounts, String resource) {
    return amounts != null && amounts.containsKey(resource);
  }

  private static void quantities(
      String field, Map<String, Quantity> amounts, List<Problem> problems) {
    if (amounts == null) {
      return;
    }
    amounts.forEach(
        (resource, value) -> {
          if (!Resources.NAMES.contains(resource)) {
            problems.add(
                new Problem(
                    field + "." + resource,
                    "a stream pod asks only for cpu, memory and ephemeral-storage"));
          } else {
            BigDecimal amount = amount(value);
            if (amount == null || amount.signum() < 0) {
              problems.add(
                  new Problem(
                      field + "." + resource,
                      "must be a quantity of at least 0, e.g. 250m, 1Gi or 2"));
            }
          }
        });
  }

  /** The quantity's amount, or null when it is none. */
  private static BigDecimal amount(Quantity quantity) {
    if (quantity == null) {
      return null;
    }
    String text = quantity.getAmount() + (quantity.getFormat() == null ? "" : quantity.getFormat());
    if (!QUANTITY.matcher(text).matches()) {
      return null;
    }
    try {
      return quantity.getNumericalAmount();
    } catch (RuntimeException e) {
      return null;
    }
  }

  private static void library(Library library, List<Problem> problems) {
    String subPath = library.subPath;
    if (subPath != null && (subPath.startsWith("/") || SUBPATH_BACKSTEP.matcher(subPath).find())) {
      problems.add(new Problem("spec.library.subPath", Library.SUB_PATH_MESSAGE));
    }
  }

  private static void cache(Cache cache, List<Problem> problems) {
    if (cache == null) {
      return;
    }
    if (cache.memory != null && bytes(cache.memory) == null) {
      problems.add(new Problem("spec.cache.memory", "must be a size such as 512Mi, 1Gi or 500M"));
    }
    if (cache.chunkSize != null) {
      Long chunk = bytes(cache.chunkSize);
      if (chunk == null || chunk < bytes(Cache.MIN_CHUNK) || chunk > bytes(Cache.MAX_CHUNK)) {
        problems.add(new Problem("spec.cache.chunkSize", Cache.CHUNK_SIZE_MESSAGE));
      }
    }
    if (cache.ttl != null) {
      Duration ttl = duration(cache.ttl);
      if (ttl == null || ttl.compareTo(Duration.ofSeconds(1)) < 0) {
        problems.add(new Problem("spec.cache.ttl", Cache.TTL_MESSAGE));
      }
    }
  }

  private static void endpoint(String endpoint, List<Problem> problems) {
    String message =
        "must be http(s)://host[:port] with a port from 1 to 65535, e.g. http://dynalite:4567";
    if (!endpoint.matches(Formats.ENDPOINT)) {
      problems.add(new Problem("spec.dynamodb.endpoint", message));
      return;
    }
    try {
      DynamoDbClients.endpoint(endpoint);
    } catch (IllegalArgumentException e) {
      problems.add(new Problem("spec.dynamodb.endpoint", message));
    }
  }

  private static void ntp(Ntp ntp, List<Problem> problems) {
    if (ntp == null) {
      return;
    }
    if (ntp.servers != null) {
      for (int i = 0; i < ntp.servers.size(); i++) {
        String server = ntp.servers.get(i);
        if (server == null || !server.matches(Formats.NTP_SERVER)) {
          problems.add(new Problem("spec.ntp.servers[" + i + "]", Ntp.SERVER_MESSAGE));
        }
      }
    }
    if (ntp.pollInterval != null && !positive(ntp.pollInterval)) {
      problems.add(new Problem("spec.ntp.pollInterval", Ntp.POLL_INTERVAL_MESSAGE));
    }
    if (ntp.maxOffset != null && !positive(ntp.maxOffset)) {
      problems.add(new Problem("spec.ntp.maxOffset", Ntp.MAX_OFFSET_MESSAGE));
    }
  }

  private static void routing(Routing routing, List<Problem> problems) {
    if (routing == null) {
      return;
    }
    if (routing.host != null
        && (!routing.host.matches(Formats.HOST_NAME)
            || routing.host.length() > 253
            || routing.host.matches("^[0-9.]+$"))) {
      problems.add(new Problem("spec.routing.host", Routing.HOST_MESSAGE));
    }
    if (routing.trustedProxies != null) {
      for (int i = 0; i < routing.trustedProxies.size(); i++) {
        if (!trustedProxy(routing.trustedProxies.get(i))) {
          problems.add(
              new Problem("spec.routing.trustedProxies[" + i + "]", Routing.TRUSTED_PROXY_MESSAGE));
        }
      }
    }
  }

  /**
   * Whether the stream service reads {@code text} as a trusted proxy: the CRD's pattern, and for
   * IPv6 an address Java parses (the pattern only checks its characters), IPv4-mapped ones written
   * as IPv4. No name is looked up: Java reads a string that starts with a hex digit or {@code :}
   * and has a {@code :} as an IPv6 literal or refuses it.
   */
  private static boolean trustedProxy(String text) {
    if (text == null || text.length() > 49 || !text.matches(Formats.TRUSTED_PROXY)) {
      return false;
    }
    String address = text.contains("/") ? text.substring(0, text.indexOf('/')) : text;
    if (!address.contains(":")) {
      return true;
    }
    if (Character.digit(address.charAt(0), 16) < 0 && address.charAt(0) != ':') {
      return false;
    }
    try {
      return InetAddress.getByName(address) instanceof Inet6Address;
    } catch (UnknownHostException e) {
      return false;
    }
  }

  private static boolean positive(String text) {
    Duration d = duration(text);
    return d != null && !d.isZero() && !d.isNegative();
  }

  /**
   * A duration as the CRD writes it ({@code 64s}), or null when it is none or longer than the
   * stream service can schedule.
   */
  static Duration duration(String text) {
    Matcher m = DURATION.matcher(text);
    if (!m.matches()) {
      return null;
    }
    try {
      long n = Long.parseLong(m.group(1));
      Duration d =
          switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            default -> Duration.ofHours(n);
          };
      d.toNanos(); // the stream service schedules in nanoseconds: about 292 years at most
      return d;
    } catch (ArithmeticException | NumberFormatException e) {
      return null;
    }
  }

  /** A size in bytes as the stream service reads it ({@code 256Ki}), or null when it is none. */
  static Long bytes(String text) {
    Matcher m = SIZE.matcher(text);
    if (!m.matches()) {
      return null;
    }
    long unit =
        switch (m.group(2) == null ? "" : m.group(2)) {
          case "Ki" -> 1L << 10;
          case "Mi" -> 1L << 20;
          case "Gi" -> 1L << 30;
          case "k", "K" -> 1_000L;
          case "M" -> 1_000_000L;
          case "G" -> 1_000_000_000L;
          default -> 1L;
        };
    try {
      return Math.multiplyExact(Long.parseLong(m.group(1)), unit);
    } catch (ArithmeticException | NumberFormatException e) {
      return null;
    }
  }
}
