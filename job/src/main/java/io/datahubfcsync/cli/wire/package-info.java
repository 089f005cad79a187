/**
 * Stand-ins for the delivery coordinator's request and response records, for a client JVM without
 * Flink's runtime. The real types ({@code io.datahubfcsync.delivery.control}) implement Flink's
 * {@code CoordinationRequest}/{@code CoordinationResponse}, so a JVM started with only the job jar
 * cannot load them; these records carry the same simple names, fields and serialVersionUIDs, and
 * {@link io.datahubfcsync.cli.CoordinationWire} writes and reads them under the real names, which
 * Java serialization allows (it compares class names without their package, and waives the
 * serialVersionUID check for records). The types that need no Flink class (ShardStatus,
 * ShardState) are used as they are.
 */
package io.datahubfcsync.cli.wire;
