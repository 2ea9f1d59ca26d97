package dev.cadenza.operator.crd.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.model.annotation.LabelSelector;
import io.fabric8.kubernetes.model.annotation.StatusReplicas;
import java.util.ArrayList;
import java.util.List;

/** What the operator observed. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class MusicDeliveryStatus {

  @JsonPropertyDescription("The generation of the spec this status describes.")
  public Long observedGeneration;

  @JsonPropertyDescription("Ready, Progressing and Degraded, with reasons.")
  public List<Condition> conditions = new ArrayList<>();

  /** The condition of this type, or null. */
  public Condition condition(String type) {
    return conditions.stream().filter(c -> c.getType().equals(type)).findFirst().orElse(null);
  }

  @StatusReplicas
  @JsonPropertyDescription("Stream pods that exist.")
  public Integer replicas;

  @JsonPropertyDescription("Stream pods that are ready.")
  public Integer readyReplicas;

  @LabelSelector
  @JsonPropertyDescription("Label selector of the stream pods (for the scale subresource).")
  public String selector;

  @JsonPropertyDescription("Where players reach the service.")
  public String url;

  @JsonPropertyDescription("The DynamoDB tables.")
  public List<Table> tables;

  @JsonPropertyDescription(
      "Where the DynamoDB tables were created: the region and endpoint that spec.dynamodb and the"
          + " operator's defaults gave then. Deletion (deletionPolicy Delete) goes there, and a"
          + " later change of either is reported (Degraded DynamoDbLocationChanged), not followed.")
  public TablesLocation dynamodb;

  /** Where the DynamoDB tables are. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class TablesLocation {
    @JsonPropertyDescription("AWS region (also the signing region of an endpoint).")
    public String region;

    @JsonPropertyDescription("DynamoDB endpoint; absent for AWS DynamoDB in the region.")
    public String endpoint;
  }

  /** One DynamoDB table. */
  public static class Table {
    public String name;
    public String status;
    public String arn;
  }
}
