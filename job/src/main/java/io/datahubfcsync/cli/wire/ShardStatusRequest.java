package io.datahubfcsync.cli.wire;

import java.io.Serializable;

/** Wire twin of {@code delivery.control.ShardStatusRequest}: the status of every shard. */
public record ShardStatusRequest() implements Serializable {
    private static final long serialVersionUID = 1L;
}
