package io.credflow.authclient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.credflow.common.CredflowException;
import io.credflow.common.NotFoundException;
import io.credflow.common.ValidationException;
import io.credflow.tenancy.Workspace;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ComponentChoiceTest {
  private static final Workspace WS = new Workspace("w1", "c1", "t1", "ws", Instant.EPOCH, 1);

  /** Components the workspace may use; "elsewhere" is deployed in another workspace. */
  private static final Set<String> USABLE = Set.of("a", "b");

  private static AuthClient linking(String... componentIds) {
    return new AuthClient(
        "ac1",
        "client",
        new NoAuthSettings(),
        Optional.empty(),
        "t1",
        List.of(componentIds),
        Instant.EPOCH,
        Instant.EPOCH,
        1);
  }

  private static String choose(AuthClient authClient, Optional<String> requested) {
    return ComponentChoice.choose(authClient, requested, WS, (id, ws) -> USABLE.contains(id));
  }

  private static CredflowException refused(AuthClient authClient, Optional<String> requested) {
    CredflowException e =
        catchThrowableOfType(CredflowException.class, () -> choose(authClient, requested));
    assertThat(e).isNotNull();
    return e;
  }

  @Test
  void chooseWhenOneUsableComponentIsLinkedThenItIsChosenWithoutBeingNamed() {
    assertThat(choose(linking("a"), Optional.empty())).isEqualTo("a");
    assertThat(choose(linking("a", "elsewhere"), Optional.empty())).isEqualTo("a");
  }

  @Test
  void chooseWhenSeveralUsableComponentsAreLinkedThenOneMustBeNamed() {
    CredflowException e = refused(linking("a", "b"), Optional.empty());

    assertThat(e).isInstanceOf(ValidationException.class);
    assertThat(e.code()).isEqualTo("missing_component");
    assertThat(((ValidationException) e).violations().get(0).field()).isEqualTo("component");
    assertThat(choose(linking("a", "b"), Optional.of("b"))).isEqualTo("b");
  }

  @Test
  void chooseWhenTheNamedComponentIsNotLinkedThen422() {
    CredflowException e = refused(linking("a"), Optional.of("b"));

    assertThat(e).isInstanceOf(ValidationException.class);
    assertThat(e.code()).isEqualTo("component_not_linked");
  }

  @Test
  void chooseWhenTheNamedComponentIsLinkedButNotUsableHereThenNotFoundAtComponent() {
    CredflowException e = refused(linking("a", "elsewhere"), Optional.of("elsewhere"));

    assertThat(e).isInstanceOf(NotFoundException.class);
    assertThat(((NotFoundException) e).field()).contains("component");
  }

  @Test
  void chooseWhenNoLinkedComponentIsUsableThenComponentNotUsable() {
    assertThat(refused(linking("elsewhere"), Optional.empty()).code())
        .isEqualTo("component_not_usable");
  }
}
