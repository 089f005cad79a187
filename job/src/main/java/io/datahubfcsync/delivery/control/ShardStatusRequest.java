package io.datahubfcsync.delivery.control;

import org.apache.flink.runtime.operators.coordination.CoordinationRequest;

/** Asks for the status of every shard the delivery operator holds. Answered with a {@link ShardStatusResponse}. */
public record ShardStatusRequest() implements CoordinationRequest {
    private static final long serialVersionUID = 1L;
}
