/**
 * The delivery operator's coordinator (on the JobManager) and the events between it and the
 * delivery subtasks: which shards were delivered to their end (so that their children may go), and
 * the status and resume requests of {@link io.datahubfcsync.delivery.control}.
 */
package io.datahubfcsync.delivery.coordination;
