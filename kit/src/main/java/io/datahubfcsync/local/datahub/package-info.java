/**
 * A local, stateful Alibaba Cloud DataHub for tests and the local runner: {@link
 * io.datahubfcsync.local.datahub.DataHubEmulator} serves the HTTP API that the real DataHub Java SDK
 * (2.21.6-public) uses, in JSON and protobuf ({@code DHUB} frame, CRC-32C) mode, on 127.0.0.1.
 *
 * <p>Faithful where the job depends on it (checked against the SDK's own requests and the
 * service's answers to them): signatures (HmacSHA1, STS token header signed; {@code Unauthorized} otherwise),
 * error bodies with {@code Content-Type: application/json} exactly so the SDK raises its typed
 * exceptions, shard life cycle (split/merge close the parents, children carry parent ids and key
 * ranges, a CLOSED shard read past its end answers {@code InvalidShardOperation} =
 * {@code ShardSealedException}), cursor rules (LATEST is inclusive; SEQUENCE accepts
 * {@code oldest..latest+1}, else {@code SeekOutOfRange}; SYSTEM_TIME in the future is
 * {@code SeekOutOfRange}; reading with an expired cursor is {@code InvalidCursor}).
 *
 * <p>Choices where DataHub's behaviour is not documented, so consumers must not rely on them
 * beyond what they assert:
 * <ul>
 *   <li>putRecords: a record aimed at a CLOSED shard fails the whole request with
 *       {@code InvalidShardOperation} and nothing is written; an unknown ShardId
 *       ({@code InvalidShardId}), a bad HashKey, no routing key, or a malformed tuple fail only
 *       that record ({@code FailedRecords}).</li>
 *   <li>An empty shard's cursors point at its next sequence with {@code RecordTime} 0; so does
 *       a SYSTEM_TIME cursor after the newest record.</li>
 *   <li>Cursors are the emulator's own 32-hex format and are bound to one topic incarnation and
 *       shard.</li>
 *   <li>Records expire only through the Java API ({@link
 *       io.datahubfcsync.local.datahub.DataHubEmulator#expireBefore}, {@link
 *       io.datahubfcsync.local.datahub.DataHubEmulator#expireOlderThan}), never by the topic's
 *       lifecycle. The request {@code Date} is signed but not checked against the clock.</li>
 *   <li>Subscriptions: create, get, list, state, open a session, get and commit offsets (with the
 *       service's session, reset and offline errors); deleting one is not implemented.</li>
 *   <li>Not implemented (answered with {@code InvalidParameter}): compressed request bodies,
 *       batch/schema-registry mode ({@code application/x-binary}), extendShard, connectors, and
 *       any other call not listed in {@link io.datahubfcsync.local.datahub.DataHubAction}.</li>
 * </ul>
 *
 * <p>Measured with the SDK: a request dropped without a response ({@link
 * io.datahubfcsync.local.datahub.DataHubFault#DROP_CONNECTION}) is sent up to 3 times by the
 * SDK's okhttp before the caller sees an I/O error, so fewer than 3 consecutive drops are
 * invisible to the caller.
 */
package io.datahubfcsync.local.datahub;
