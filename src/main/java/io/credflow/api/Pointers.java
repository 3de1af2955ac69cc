package io.credflow.api;

import io.credflow.common.Field;
import io.javalin.http.Context;
import java.util.Set;

/**
 * Where a domain {@link Field field} sits in a JSON:API request document: the one place that maps
 * the domain's logical field names to {@code source.pointer}s. A field whose first segment is one
 * of the relationships the request's document may carry is under {@code /data/relationships} (what
 * follows the name points into its linkage, {@code data}); every other field is an attribute, under
 * {@code /data/attributes}.
 *
 * <ul>
 *   <li>{@code name} → {@code /data/attributes/name}; {@code credentials/client_id} → {@code
 *       /data/attributes/credentials/client_id}
 *   <li>{@code auth_client} → {@code /data/relationships/auth_client}
 *   <li>{@code components/1} → {@code /data/relationships/components/data/1}; {@code components/*}
 *       → {@code /data/relationships/components/data}
 * </ul>
 */
final class Pointers {
  static final String ATTRIBUTES = "/data/attributes";
  static final String RELATIONSHIPS = "/data/relationships";

  /** The context attribute holding the relationship names of the document a route read. */
  private static final String READ_RELATIONSHIPS = "credflow.relationships";

  private Pointers() {}

  /** Records which relationships the request's document may carry, for errors raised later. */
  static void remember(Context ctx, Set<String> relationships) {
    ctx.attribute(READ_RELATIONSHIPS, Set.copyOf(relationships));
  }

  /** The pointer of {@code field} in the document the request carried. */
  static String of(Context ctx, String field) {
    Set<String> relationships = ctx.attribute(READ_RELATIONSHIPS);
    return of(field, relationships == null ? Set.of() : relationships);
  }

  /** The pointer of {@code field} in a document whose relationships are {@code relationships}. */
  static String of(String field, Set<String> relationships) {
    int slash = field.indexOf('/');
    String first = slash < 0 ? field : field.substring(0, slash);
    if (!relationships.contains(first)) {
      return field.isEmpty() ? ATTRIBUTES : attribute(field);
    }
    if (slash < 0) {
      return relationship(first);
    }
    String rest = field.substring(slash + 1);
    return linkage(first) + (rest.equals(Field.ALL_ITEMS) ? "" : "/" + rest);
  }

  /** The pointer of attribute {@code name} (a field, already escaped). */
  static String attribute(String name) {
    return ATTRIBUTES + "/" + name;
  }

  /** The pointer of relationship {@code name}. */
  static String relationship(String name) {
    return RELATIONSHIPS + "/" + name;
  }

  /** The pointer of relationship {@code name}'s resource linkage. */
  static String linkage(String name) {
    return relationship(name) + "/data";
  }
}
