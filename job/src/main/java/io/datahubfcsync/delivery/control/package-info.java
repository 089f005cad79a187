/**
 * The delivery operator's control requests, answered by its operator coordinator on the
 * JobManager: a per-shard status listing and resuming suspended shards. A client sends them with
 * Flink's {@code ClusterClient#sendCoordinationRequest(jobId, "fc-delivery", request)} (the
 * operator's uid, {@link io.datahubfcsync.delivery.FcDelivery#UID}); they travel Java-serialized,
 * so the client needs these classes, nothing else of the job.
 */
package io.datahubfcsync.delivery.control;
