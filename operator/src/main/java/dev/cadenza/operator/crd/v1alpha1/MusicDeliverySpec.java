package dev.cadenza.operator.crd.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.model.annotation.SpecReplicas;

/** What the user asks for. Wire model: public fields, validated by the CRD schema. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "!(has(self.replicas) && has(self.autoscaling))",
    message = "set either spec.replicas or spec.autoscaling, not both")
public class MusicDeliverySpec {

  /** Stream pods when neither replicas nor autoscaling is set. */
  public static final int DEFAULT_REPLICAS = 2;

  @JsonPropertyDescription(
      "Stream service image; defaults to the operator's configured image (CADENZA_STREAM_IMAGE).")
  public String image;

  @SpecReplicas
  @Min(0)
  @JsonPropertyDescription(
      "Number of stream pods when autoscaling is not set. Default " + DEFAULT_REPLICAS + ".")
  public Integer replicas;

  @JsonPropertyDescription("Horizontal autoscaling of the stream pods, instead of replicas.")
  public Autoscaling autoscaling;

  @Required
  @JsonPropertyDescription("Where the music comes from; mounted read-only into every pod.")
  public Library library;

  @JsonPropertyDescription("CPU and memory for each stream pod.")
  public ResourceRequirements resources;

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
}
