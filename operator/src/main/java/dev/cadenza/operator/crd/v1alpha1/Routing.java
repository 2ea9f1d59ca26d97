package dev.cadenza.operator.crd.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.ValidationRule;

/** How players outside the cluster reach the service. */
@ValidationRule(
    value = "!has(self.tls) || (has(self.host) && self.host != '')",
    message = "routing.tls needs routing.host")
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

  @Pattern("^$|^(\\*\\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
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

  /** TLS termination at the ingress. */
  public static class Tls {
    @Required
    @Pattern("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
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
