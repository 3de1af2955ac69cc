package io.credflow.store;

import java.time.Instant;

/**
 * db-scheduler tasks written by a repository in the same transaction as the state that calls for
 * them (flow steps, webhook deliveries): a row of its {@code scheduled_tasks} table in its
 * documented schema, with no task data, so a task exists exactly when that state says one is due.
 */
final class ScheduledTasks {
  private static final String INSERT =
      "INSERT INTO scheduled_tasks (task_name, task_instance, task_data, execution_time, picked,"
          + " version) VALUES (?, ?, NULL, ?, FALSE, 1)";

  private ScheduledTasks() {}

  /** The task {@code name}'s {@code instance}, due at {@code at} and not picked yet. */
  static void insert(Jdbc jdbc, String name, String instance, Instant at) {
    jdbc.update(INSERT, name, instance, at);
  }
}
