package dev.cadenza.operator.crd.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.model.annotation.SpecReplicas;

/** What the user asks for. Wire model: public fields, validated by the CRD schema. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "!(has(self.replicas) && has(self.autoscaling))",
    message = "set either spec.replicas or spec.autoscaling, not both")
@ValidationRule(
    value =
        "!has(self.autoscaling) || !has(self.resources)"
            + " || (has(self.resources.requests) && 'cpu' in self.resources.requests)"
            + " || (has(self.resources.limits) && 'cpu' in self.resources.limits)",
    message = MusicDeliverySpec.AUTOSCALING_CPU_MESSAGE)
public class MusicDeliverySpec {

  /** Why autoscaling is refused with resources that ask for no CPU. */
  public static final String AUTOSCALING_CPU_MESSAGE =
      "spec.autoscaling scales on CPU use relative to the pods' CPU request: set"
          + " spec.resources.requests.cpu (or leave spec.resources out for the default 250m)";

  /** Stream pods when neither replicas nor autoscaling is set. */
  public static final int DEFAULT_REPLICAS = 2;

  public static final String IMAGE_MESSAGE =
      "must be an image reference, [registry[:port]/]path[:tag][@digest] with the path in lower"
          + " case and no spaces, e.g. ghcr.io/cadenza/stream-service:0.1.0";

  @Size(max = 512)
  @ValidationRule(value = "self.matches(r'" + Formats.IMAGE + "')", message = IMAGE_MESSAGE)
  @JsonPropertyDescription(
      "Stream service image; defaults to the operator's configured image (CADENZA_STREAM_IMAGE).")
  public String image;

  @SpecReplicas
  @Min(0)
  @Max(1000)
  @JsonPropertyDescription(
      "Number of stream pods when autoscaling is not set. Default " + DEFAULT_REPLICAS + ".")
  public Integer replicas;

  @JsonPropertyDescription("Horizontal autoscaling of the stream pods, instead of replicas.")
  public Autoscaling autoscaling;

  @Required
  @JsonPropertyDescription("Where the music comes from; mounted read-only into every pod.")
  public Library library;

  @JsonPropertyDescription(
      "CPU, memory and ephemeral-storage for each stream pod (requests and limits).")
  public Resources resources;

  @JsonPropertyDescription("Chunk cache settings.")
  public Cache cache;

  @Required
  @JsonPropertyDescription("The DynamoDB tables the pods share.")
  public DynamoDb dynamodb;

  @JsonPropertyDescription("NTP servers the media clock follows.")
  public Ntp ntp;

  @JsonPropertyDescription("ML metadata.")
  public Metadata metadata;

  @JsonPropertyDescription("How players reach the service from outside the cluster.")
  public Routing routing;

  @JsonPropertyDescription(
      "The first admin and the Secrets the pods read for authentication; generated when unset.")
  public Auth auth;
}
