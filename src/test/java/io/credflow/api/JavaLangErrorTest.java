package io.credflow.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

/**
 * An {@link Error} that escapes a route is answered with a JSON:API error document, as every other
 * failure: out of memory as a 503 to try again, anything else as a 500; neither quotes the error.
 */
class JavaLangErrorTest {
  @Test
  void errorDocumentWhenOutOfMemoryThenA503ToTryAgain() throws Exception {
    OutOfMemoryError e = new OutOfMemoryError("Java heap space");
    JsonNode error = JsonApi.MAPPER.readTree(ApiServer.errorDocument(e)).path("errors").path(0);

    assertThat(ApiServer.errorStatus(e)).isEqualTo(503);
    assertThat(error.path("status").asText()).isEqualTo("503");
    assertThat(error.path("code").asText()).isEqualTo("insufficient_memory");
    assertThat(error.toString()).doesNotContain("heap");
  }

  @Test
  void errorDocumentWhenAnotherErrorThenAnInternalError() throws Exception {
    StackOverflowError e = new StackOverflowError("deep");
    JsonNode error = JsonApi.MAPPER.readTree(ApiServer.errorDocument(e)).path("errors").path(0);

    assertThat(ApiServer.errorStatus(e)).isEqualTo(500);
    assertThat(error.path("code").asText()).isEqualTo("internal_error");
  }
}
