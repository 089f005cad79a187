/**
 * The delivery operator's coordinator (on the JobManager) and the events between it and the
 * delivery subtasks: which shards were delivered to their end (so that their children may go), the
 * status and resume requests of {@link io.datahubfcsync.delivery.control}, each subtask's share of
 * {@code delivery.max-records-per-second}, and the last exchange before a subtask finishes.
 */
package io.datahubfcsync.delivery.coordination;
