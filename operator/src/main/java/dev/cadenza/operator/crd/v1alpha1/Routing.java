package dev.cadenza.operator.crd.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;

/** How players outside the cluster reach the service. */
@ValidationRule(
    value = "!has(self.tls) || (has(self.host) && self.host != '')",
    message = "routing.tls needs routing.host")
@ValidationRule(
    value = "self.controller != 'gateway' || has(self.gateway)",
    message = "routing.controller gateway needs routing.gateway.name")
@ValidationRule(
    value = "!has(self.gateway) || self.controller == 'gateway'",
    message = "routing.gateway applies only with routing.controller gateway")
public class Routing {

  /** Which NGINX the routing rules are written for. */
  public enum Controller {
    @JsonProperty("nginx")
    NGINX,
    @JsonProperty("ingress-nginx")
    INGRESS_NGINX,
    @JsonProperty("gateway")
    GATEWAY
  }

  public static final String TRUSTED_PROXY_MESSAGE =
      "is not an IP address or CIDR range (e.g. 10.244.0.0/16 or fd00::/8)";

  public static final String HOST_MESSAGE =
      "must be a DNS name players resolve (labels of at most 63 lower-case letters, digits and"
          + " '-'), not an IP address";

  @Size(max = 253)
  @ValidationRule(
      value = "self.matches(r'" + Formats.HOST_NAME + "') && !self.matches('^[0-9.]+$')",
      message = HOST_MESSAGE)
  @JsonPropertyDescription("Host name players use, e.g. music.example.com.")
  public String host;

  @Default("nginx")
  @JsonPropertyDescription(
      "nginx (F5 NGINX Ingress Controller), ingress-nginx (legacy) or gateway (Gateway API).")
  public Controller controller;

  @JsonPropertyDescription("TLS for the host.")
  public Tls tls;

  @JsonPropertyDescription("Per-client request rate limit.")
  public RateLimit rateLimit;

  @JsonPropertyDescription(
      "The Gateway the HTTPRoute attaches to (controller gateway only, and then required).")
  public GatewayRef gateway;

  @Size(max = 16)
  @ValidationRule(
      value = "self.all(p, p.matches(r'" + Formats.TRUSTED_PROXY + "'))",
      messageExpression =
          "'routing.trustedProxies: ' + self.filter(p, !p.matches(r'"
              + Formats.TRUSTED_PROXY
              + "'))[0] + ' "
              + TRUSTED_PROXY_MESSAGE
              + "'")
  @JsonPropertyDescription(
      "Addresses or CIDR ranges of the proxies in front of the pods (the ingress controller's or"
          + " the Gateway's pods, a load balancer before them): their X-Forwarded-For names the"
          + " player, for the per-client limits. Empty with a host: those limits are off.")
  public List<@Size(max = 49) String> trustedProxies;

  /** The parent Gateway of the HTTPRoute rendered for controller gateway. */
  public static class GatewayRef {
    @Required
    @Size(min = 1, max = 253)
    @Pattern("^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
    @JsonPropertyDescription("Name of the Gateway.")
    public String name;

    @Size(max = 63)
    @Pattern("^$|^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
    @JsonPropertyDescription("Namespace of the Gateway; empty: the MusicDelivery's namespace.")
    public String namespace;

    @Size(max = 253)
    @Pattern("^$|^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
    @JsonPropertyDescription(
        "Listener of the Gateway to attach to; empty: every listener that accepts the route.")
    public String sectionName;
  }

  /** TLS termination at the ingress. */
  public static class Tls {
    @Required
    @Size(max = 253)
    @Pattern(Formats.NAME)
    @JsonPropertyDescription("Secret holding the certificate and key.")
    public String secretName;
  }

  /** Rate limiting at the ingress. */
  public static class RateLimit {
    @Required
    @Min(1)
    @Max(100000)
    @JsonPropertyDescription("Requests per second per client.")
    public Integer requestsPerSecond;
  }
}
