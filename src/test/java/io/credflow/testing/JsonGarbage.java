package io.credflow.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.ContainerNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/**
 * jqwik generators of JSON garbage for bad-input properties: random values built from the keys and
 * strings an endpoint cares about, and random changes to a valid document (set, remove, add or
 * retype a member anywhere in it).
 */
public final class JsonGarbage {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private JsonGarbage() {}

  /** null, booleans, {@code numbers} and {@code strings}. */
  public static Arbitrary<JsonNode> leaves(Arbitrary<String> strings, Arbitrary<JsonNode> numbers) {
    return Arbitraries.oneOf(
        Arbitraries.just(NullNode.getInstance()),
        Arbitraries.of(BooleanNode.TRUE, BooleanNode.FALSE),
        numbers,
        strings.map(TextNode::valueOf));
  }

  /** Any JSON value of {@code leaves}, up to four levels of arrays and objects keyed by keys. */
  public static Arbitrary<JsonNode> values(Arbitrary<String> keys, Arbitrary<JsonNode> leaves) {
    return Arbitraries.recursive(
        () -> leaves,
        inner ->
            Arbitraries.oneOf(
                inner
                    .list()
                    .ofMaxSize(4)
                    .map(
                        items -> {
                          ArrayNode a = NODES.arrayNode();
                          items.forEach(a::add);
                          return (JsonNode) a;
                        }),
                Arbitraries.maps(keys, inner)
                    .ofMaxSize(4)
                    .map(
                        members -> {
                          ObjectNode o = NODES.objectNode();
                          members.forEach(o::set);
                          return (JsonNode) o;
                        })),
        0,
        4);
  }

  /** Random {@link Mutation}s: member names from {@code keys}, new values from {@code values}. */
  public static Arbitrary<Mutation> mutations(Arbitrary<String> keys, Arbitrary<JsonNode> values) {
    return Combinators.combine(
            Arbitraries.integers(),
            Arbitraries.integers(),
            Arbitraries.integers().between(0, 2),
            keys,
            values)
        .as(Mutation::new);
  }

  /** One change to a document: at the container picked, set, remove, add or retype a member. */
  public record Mutation(int container, int member, int operation, String key, JsonNode value) {
    public void applyTo(ObjectNode doc) {
      List<ContainerNode<?>> containers = new ArrayList<>();
      collect(doc, containers);
      ContainerNode<?> at = containers.get(Math.floorMod(container, containers.size()));
      if (at instanceof ObjectNode o) {
        List<String> names = new ArrayList<>();
        o.fieldNames().forEachRemaining(names::add);
        String existing = names.isEmpty() ? key : names.get(Math.floorMod(member, names.size()));
        switch (Math.floorMod(operation, 3)) {
          case 0 -> o.set(existing, value);
          case 1 -> o.remove(existing);
          default -> o.set(key, value);
        }
      } else if (at instanceof ArrayNode a) {
        int i = a.isEmpty() ? 0 : Math.floorMod(member, a.size());
        switch (Math.floorMod(operation, 3)) {
          case 0 -> {
            if (a.isEmpty()) {
              a.add(value);
            } else {
              a.set(i, value);
            }
          }
          case 1 -> {
            if (!a.isEmpty()) {
              a.remove(i);
            }
          }
          default -> a.add(value);
        }
      }
    }

    private static void collect(JsonNode node, List<ContainerNode<?>> out) {
      if (node instanceof ContainerNode<?> c) {
        out.add(c);
        for (Iterator<JsonNode> it = node.elements(); it.hasNext(); ) {
          collect(it.next(), out);
        }
      }
    }
  }
}
