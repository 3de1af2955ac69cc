package io.credflow.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.api.Test;

class PointersTest {
  private static final Set<String> RELATIONSHIPS = Set.of("auth_client", "component", "components");

  @Test
  void ofWhenFieldIsNoRelationshipThenItIsAnAttribute() {
    assertThat(Pointers.of("name", RELATIONSHIPS)).isEqualTo("/data/attributes/name");
    assertThat(Pointers.of("credentials/client_id", RELATIONSHIPS))
        .isEqualTo("/data/attributes/credentials/client_id");
    assertThat(Pointers.of("config/reader/headers/0/value", Set.of()))
        .isEqualTo("/data/attributes/config/reader/headers/0/value");
  }

  @Test
  void ofWhenFieldNamesARelationshipThenItIsTheRelationship() {
    assertThat(Pointers.of("auth_client", RELATIONSHIPS))
        .isEqualTo("/data/relationships/auth_client");
    assertThat(Pointers.of("components", RELATIONSHIPS))
        .isEqualTo("/data/relationships/components");
  }

  @Test
  void ofWhenFieldIsAnItemOfARelationshipThenItPointsIntoTheLinkage() {
    assertThat(Pointers.of("components/1", RELATIONSHIPS))
        .isEqualTo("/data/relationships/components/data/1");
    assertThat(Pointers.of("components/*", RELATIONSHIPS))
        .isEqualTo("/data/relationships/components/data");
  }

  @Test
  void ofWhenTheDocumentHasNoSuchRelationshipThenTheFieldIsAnAttribute() {
    assertThat(Pointers.of("component", Set.of())).isEqualTo("/data/attributes/component");
  }

  @Test
  void ofWhenMemberNamesHoldSlashOrTildeThenTheirEscapesAreKept() {
    assertThat(Pointers.of("credentials/a~1b~0c", RELATIONSHIPS))
        .isEqualTo("/data/attributes/credentials/a~1b~0c");
  }
}
