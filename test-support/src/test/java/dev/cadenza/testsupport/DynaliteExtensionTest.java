package dev.cadenza.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

@ExtendWith(DynaliteExtension.class)
class DynaliteExtensionTest {

  static Dynalite first;

  @BeforeAll
  static void createTable(Dynalite dynalite) {
    first = dynalite;
    try (DynamoDbClient client = dynalite.client()) {
      client.createTable(
          t ->
              t.tableName("shared")
                  .billingMode(BillingMode.PAY_PER_REQUEST)
                  .attributeDefinitions(
                      AttributeDefinition.builder()
                          .attributeName("pk")
                          .attributeType(ScalarAttributeType.S)
                          .build())
                  .keySchema(
                      KeySchemaElement.builder()
                          .attributeName("pk")
                          .keyType(KeyType.HASH)
                          .build()));
    }
  }

  @Test
  void testsGetTheServerTheClassStartedWithItsTables(Dynalite dynalite) {
    assertThat(dynalite).isSameAs(first);
    assertThat(dynalite.running()).isTrue();
    assertThat(dynalite.tableNames()).containsExactly("shared");
  }

  @Test
  void defaultCredentialsAreSetForCodeThatBuildsItsOwnClient() {
    assertThat(System.getProperty("aws.accessKeyId")).isNotBlank();
  }

  @Nested
  class InnerClass {
    @Test
    void nestedClassesShareTheOuterServer(Dynalite dynalite) {
      assertThat(dynalite).isSameAs(first);
    }
  }
}
