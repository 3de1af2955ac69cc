package io.credflow.store;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/** Builds {@code IN (?, ?, …)} for a set of ids, bound as parameters, never concatenated. */
final class InClause {
  private InClause() {}

  /**
   * Runs {@code sqlTemplate}, whose single {@code %s} becomes the placeholders of {@code ids}; the
   * ids are bound after the first of {@code params}, when there is one, and before the rest.
   */
  static <T> List<T> query(
      Jdbc jdbc,
      String sqlTemplate,
      Collection<String> ids,
      Jdbc.RowMapper<T> mapper,
      Object... params) {
    if (ids.isEmpty()) {
      // "IN ()" is a syntax error on PostgreSQL; no id matches nothing.
      return List.of();
    }
    String placeholders = String.join(", ", java.util.Collections.nCopies(ids.size(), "?"));
    String sql = String.format(sqlTemplate, placeholders);
    List<Object> all = new ArrayList<>();
    if (params.length > 0) {
      all.add(params[0]);
    }
    all.addAll(ids);
    for (int i = 1; i < params.length; i++) {
      all.add(params[i]);
    }
    return jdbc.query(sql, mapper, all.toArray());
  }
}
