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

  @JsonPropertyDescription(
      "The media clocks of the ready stream pods, as they report them (read every 30 s); absent"
          + " while no pod answers.")
  public ClockState clock;

  @JsonPropertyDescription(
      "The catalogues the ready stream pods serve, as they report them (read every 30 s); absent"
          + " while no pod answers.")
  public CatalogueState catalogue;

  /** The stream pods' media clocks. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class ClockState {
    @JsonPropertyDescription("Ready stream pods that reported their clock.")
    public Integer pods;

    @JsonPropertyDescription("Of those, the ones synchronised to their NTP servers.")
    public Integer synchronisedPods;

    @JsonPropertyDescription(
        "ntp (the pods follow spec.ntp.servers), system clock (no servers), or mixed.")
    public String source;

    @JsonPropertyDescription(
        "The largest offset of a synchronised pod's media clock from NTP time, rounded up to 1, 2"
            + " or 5 times a power of ten (at least 1ms); absent when none is synchronised.")
    public String worstOffset;
  }

  /** The catalogues the stream pods serve. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class CatalogueState {
    @JsonPropertyDescription("Ready stream pods that reported their catalogue.")
    public Integer pods;

    @JsonPropertyDescription("Tracks in the catalogue most of them serve.")
    public Integer tracks;

    @JsonPropertyDescription(
        "Generation of that shared catalogue (it grows with every change a scan finds).")
    public Long generation;

    @JsonPropertyDescription(
        "Pods serving that catalogue; fewer than pods while a change reaches them all.")
    public Integer podsAgreeing;
  }

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
