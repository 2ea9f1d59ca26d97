package dev.cadenza.operator.testsupport;

import java.util.List;

/**
 * MusicDeliveries that older CRDs accepted but that cannot work, each with the words the API server
 * refuses it with and the field the operator's own check names: the refusals of {@code
 * MusicDeliveryValidationTest} and the problems of {@code SpecValidationTest}, kept in one list so
 * that the two stay in step; and one that works with every value at its bound.
 */
public final class CannotWork {

  /**
   * One such resource.
   *
   * @param name its metadata.name
   * @param spec its spec (YAML, unindented)
   * @param refusal what the API server's answer contains
   * @param field the field the operator's check names
   */
  public record Case(String name, String spec, String refusal, String field) {
    @Override
    public String toString() {
      return field + " (" + refusal + ")";
    }
  }

  private static final String LIB = "library: {persistentVolumeClaim: music}\n";
  private static final String DDB = "dynamodb: {tablePrefix: jazz}\n";
  private static final String BASE = LIB + DDB;
  private static final String NAME = "metadata.name must be at most 63 lower-case letters";

  /** The longest name a MusicDelivery may have (63 characters). */
  public static final String NAME_AT_THE_LIMIT = "a" + "-".repeat(61) + "z";

  /**
   * A spec whose every value is at a bound of what works (YAML, unindented): the API server accepts
   * it and the operator's own check finds nothing in it.
   */
  public static final String SPEC_AT_THE_LIMITS =
      """
      library: {persistentVolumeClaim: music, subPath: jazz/..more}
      dynamodb: {tablePrefix: jazz, endpoint: 'http://127.0.0.1:65535/'}
      image: 'registry.example.com:5000/cadenza/stream-service:0.1.0@sha256:%s'
      autoscaling: {minReplicas: 1, maxReplicas: 1000}
      resources:
        requests: {cpu: 0, memory: 1Gi, ephemeral-storage: 1}
        limits: {cpu: 2, memory: 1Gi}
      cache: {memory: '0', chunkSize: 350Ki, ttl: 1s}
      ntp: {servers: ['[::1]:123', 10.0.0.1, time.example.com:65535],
            pollInterval: 999999h, maxOffset: 1ms}
      routing: {host: '*.music.example.com', trustedProxies: ['0.0.0.0/0', 255.255.255.255/32, '::/0',
                'ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255/128']}
      """
          .formatted("a".repeat(64));

  public static final List<Case> CASES =
      List.of(
          // the Service is named after the MusicDelivery: a DNS-1035 label
          new Case("9lives", BASE, NAME, "metadata.name"),
          new Case("jazz.club", BASE, NAME, "metadata.name"),
          new Case("j".repeat(64), BASE, NAME, "metadata.name"),
          new Case(
              "bad",
              BASE + "image: 'Cadenza/Stream:1'",
              "spec.image: Invalid value: \"string\": must be an image reference",
              "spec.image"),
          new Case(
              "bad",
              BASE + "image: ''",
              "spec.image: Invalid value: \"string\": must be an image reference",
              "spec.image"),
          new Case(
              "bad",
              BASE + "image: 'ghcr.io/cadenza/stream service'",
              "spec.image: Invalid value: \"string\": must be an image reference",
              "spec.image"),
          // resources: quantities, the names a stream pod uses, requests within limits
          new Case(
              "bad",
              BASE + "resources: {limits: {memory: lots}}",
              "resources.limits.memory must be a quantity",
              "spec.resources.limits.memory"),
          new Case(
              "bad",
              BASE + "resources: {requests: {cpu: '-1'}}",
              "resources.requests.cpu must be a quantity of at least 0",
              "spec.resources.requests.cpu"),
          new Case(
              "bad",
              BASE + "resources: {requests: {memory: 1Gb}}",
              "resources.requests.memory must be a quantity",
              "spec.resources.requests.memory"),
          new Case(
              "bad",
              BASE + "resources: {limits: {nvidia.com/gpu: 1}}",
              "resources.limits may name only cpu, memory and ephemeral-storage",
              "spec.resources.limits.nvidia.com/gpu"),
          new Case(
              "bad",
              BASE + "resources: {requests: {memory: 2Gi}, limits: {memory: 1Gi}}",
              "resources.requests must not exceed resources.limits",
              "spec.resources.requests.memory"),
          new Case(
              "bad",
              BASE
                  + "autoscaling: {minReplicas: 1, maxReplicas: 3}\n"
                  + "resources: {requests: {memory: 1Gi}}",
              "spec.autoscaling scales on CPU use relative to the pods' CPU request",
              "spec.resources.requests.cpu"),
          // a chunk is one DynamoDB item
          new Case(
              "bad",
              BASE + "cache: {chunkSize: '0'}",
              "must be between 4Ki and 350Ki",
              "spec.cache.chunkSize"),
          new Case(
              "bad",
              BASE + "cache: {chunkSize: 1Mi}",
              "must be between 4Ki and 350Ki",
              "spec.cache.chunkSize"),
          new Case(
              "bad",
              BASE + "cache: {chunkSize: 4k}",
              "must be between 4Ki and 350Ki",
              "spec.cache.chunkSize"),
          new Case("bad", BASE + "cache: {ttl: 0s}", "must be at least 1s", "spec.cache.ttl"),
          new Case("bad", BASE + "cache: {ttl: 500ms}", "must be at least 1s", "spec.cache.ttl"),
          new Case(
              "bad",
              BASE + "cache: {memory: 99999999999Gi}",
              "spec.cache.memory",
              "spec.cache.memory"),
          // the library's subPath stays inside the volume
          new Case(
              "bad",
              "library: {persistentVolumeClaim: music, subPath: ../etc}\n" + DDB,
              "must be a relative path inside the volume",
              "spec.library.subPath"),
          new Case(
              "bad",
              "library: {persistentVolumeClaim: music, subPath: jazz/../../etc}\n" + DDB,
              "must be a relative path inside the volume",
              "spec.library.subPath"),
          new Case(
              "bad",
              "library: {persistentVolumeClaim: music, subPath: /etc}\n" + DDB,
              "must be a relative path inside the volume",
              "spec.library.subPath"),
          // NTP servers: host[:port]
          new Case(
              "bad",
              BASE + "ntp: {servers: [time.example.com, 'time.example.com:0']}",
              "ntp.servers: time.example.com:0 is not host, host:port",
              "spec.ntp.servers[1]"),
          new Case(
              "bad",
              BASE + "ntp: {servers: ['time.example.com:99999']}",
              "is not host, host:port",
              "spec.ntp.servers[0]"),
          new Case(
              "bad",
              BASE + "ntp: {servers: ['ntp://time.example.com']}",
              "is not host, host:port",
              "spec.ntp.servers[0]"),
          new Case(
              "bad",
              BASE + "ntp: {servers: ['']}",
              "is not host, host:port",
              "spec.ntp.servers[0]"),
          // durations of zero where zero cannot work
          new Case(
              "bad",
              BASE + "ntp: {pollInterval: 0s}",
              "spec.ntp.pollInterval: Invalid value: \"string\": must be more than 0",
              "spec.ntp.pollInterval"),
          new Case(
              "bad",
              BASE + "ntp: {maxOffset: 0ms}",
              "spec.ntp.maxOffset: Invalid value: \"string\": must be more than 0",
              "spec.ntp.maxOffset"),
          new Case(
              "bad",
              BASE + "ntp: {pollInterval: 9999999h}",
              "spec.ntp.pollInterval",
              "spec.ntp.pollInterval"),
          // the endpoint the operator's and the pods' DynamoDB clients can use
          new Case(
              "bad",
              LIB + "dynamodb: {tablePrefix: jazz, endpoint: 'http://'}",
              "spec.dynamodb.endpoint: Invalid value: \"string\": must be http(s)://host[:port]",
              "spec.dynamodb.endpoint"),
          new Case(
              "bad",
              LIB + "dynamodb: {tablePrefix: jazz, endpoint: 'http://dynamo_db:8000'}",
              "spec.dynamodb.endpoint: Invalid value: \"string\": must be http(s)://host[:port]",
              "spec.dynamodb.endpoint"),
          new Case(
              "bad",
              LIB + "dynamodb: {tablePrefix: jazz, endpoint: 'http://dynalite:99999'}",
              "spec.dynamodb.endpoint: Invalid value: \"string\": must be http(s)://host[:port]",
              "spec.dynamodb.endpoint"),
          // a host players resolve
          new Case(
              "bad",
              BASE + "routing: {host: 10.0.0.1}",
              "spec.routing.host: Invalid value: \"string\": must be a DNS name players resolve",
              "spec.routing.host"),
          new Case(
              "bad",
              BASE + "routing: {host: " + "m".repeat(64) + ".example.com}",
              "spec.routing.host",
              "spec.routing.host"),
          // trusted proxies the pods read: address literals, as CIDR ranges or alone
          new Case(
              "bad",
              BASE + "routing: {trustedProxies: [10.244.0.0/16, ingress-nginx.local]}",
              "routing.trustedProxies: ingress-nginx.local is not an IP address or CIDR range",
              "spec.routing.trustedProxies[1]"),
          new Case(
              "bad",
              BASE + "routing: {trustedProxies: [10.244.0.0/33]}",
              "routing.trustedProxies: 10.244.0.0/33 is not an IP address or CIDR range",
              "spec.routing.trustedProxies[0]"),
          new Case(
              "bad",
              BASE + "routing: {trustedProxies: ['fd00::/129']}",
              "is not an IP address or CIDR range",
              "spec.routing.trustedProxies[0]"));

  private CannotWork() {}
}
