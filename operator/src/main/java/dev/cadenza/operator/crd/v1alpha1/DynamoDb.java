package dev.cadenza.operator.crd.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/** The DynamoDB tables: {@code <tablePrefix>-catalog}, {@code -chunks} and {@code -sessions}. */
@ValidationRule(
    value =
        "self.billingMode != 'PROVISIONED' || (has(self.readCapacity) && has(self.writeCapacity))",
    message =
        "dynamodb.billingMode PROVISIONED needs dynamodb.readCapacity and dynamodb.writeCapacity")
@ValidationRule(
    value =
        "self.billingMode == 'PROVISIONED' || (!has(self.readCapacity) && !has(self.writeCapacity))",
    message = "dynamodb.readCapacity and writeCapacity apply only with billingMode PROVISIONED")
@ValidationRule(
    value = "self.tablePrefix == oldSelf.tablePrefix",
    message = "dynamodb.tablePrefix cannot be changed; create a new MusicDelivery instead")
public class DynamoDb {

  /** How DynamoDB bills the tables. */
  public enum BillingMode {
    PAY_PER_REQUEST,
    PROVISIONED
  }

  /** What happens to the tables when the MusicDelivery is deleted. */
  public enum DeletionPolicy {
    Retain,
    Delete
  }

  @Required
  @Pattern("^[a-zA-Z0-9_.-]{3,200}$")
  @JsonPropertyDescription("Prefix of the table names; immutable.")
  public String tablePrefix;

  @Pattern("^[a-z]{2}(-[a-z]+)+-[0-9]+$")
  @JsonPropertyDescription("AWS region; defaults to the operator's (AWS_REGION).")
  public String region;

  public static final String ENDPOINT_MESSAGE =
      "must be http(s)://host[:port] (a host name, IPv4 address or [IPv6] address, a port from 1"
          + " to 65535), e.g. http://dynalite.dev:4567; empty for AWS";

  @Size(max = 2048)
  @ValidationRule(value = "self.matches(r'" + Formats.ENDPOINT + "')", message = ENDPOINT_MESSAGE)
  @JsonPropertyDescription(
      "Endpoint of a DynamoDB-compatible service, http(s)://host[:port]; empty for AWS.")
  public String endpoint;

  @Default("PAY_PER_REQUEST")
  @JsonPropertyDescription("PAY_PER_REQUEST (default) or PROVISIONED.")
  public BillingMode billingMode;

  @Min(1)
  @Max(40000)
  @JsonPropertyDescription("Read capacity units per table, with PROVISIONED.")
  public Long readCapacity;

  @Min(1)
  @Max(40000)
  @JsonPropertyDescription("Write capacity units per table, with PROVISIONED.")
  public Long writeCapacity;

  @Default("Retain")
  @JsonPropertyDescription("Retain (default) keeps the tables when this resource is deleted.")
  public DeletionPolicy deletionPolicy;

  @Size(max = 253)
  @Pattern("^$|" + Formats.NAME)
  @JsonPropertyDescription(
      "Secret with AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY; else the default credential chain.")
  public String credentialsSecret;
}
