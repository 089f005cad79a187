package io.datahubfcsync.cli.wire;

import io.datahubfcsync.delivery.control.ShardStatus;
import java.io.Serializable;
import java.util.List;

/** Wire twin of {@code delivery.control.ShardStatusResponse}: every shard's status, sorted by shard id. */
public record ShardStatusResponse(List<ShardStatus> shards, List<Integer> subtasksNotAnswering)
        implements Serializable {
    private static final long serialVersionUID = 1L;

    public ShardStatusResponse {
        shards = List.copyOf(shards);
        subtasksNotAnswering = List.copyOf(subtasksNotAnswering);
    }
}
