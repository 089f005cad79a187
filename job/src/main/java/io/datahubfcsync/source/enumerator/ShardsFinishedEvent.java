package io.datahubfcsync.source.enumerator;

import java.util.Set;
import java.util.TreeSet;
import org.apache.flink.api.connector.source.SourceEvent;

/**
 * Reader → enumerator: these shards were read to their end (or to the stop time). Those in
 * {@code withoutEndMarker} finished under a release that emitted no END marker (state restored
 * from it), so no child may wait for their delivery.
 */
public final class ShardsFinishedEvent implements SourceEvent {
    private static final long serialVersionUID = 2L;

    private final Set<String> shardIds;
    private final Set<String> withoutEndMarker;

    public ShardsFinishedEvent(Set<String> shardIds) {
        this(shardIds, Set.of());
    }

    public ShardsFinishedEvent(Set<String> shardIds, Set<String> withoutEndMarker) {
        this.shardIds = Set.copyOf(shardIds);
        this.withoutEndMarker = Set.copyOf(withoutEndMarker);
    }

    public Set<String> shardIds() {
        return shardIds;
    }

    public Set<String> withoutEndMarker() {
        return withoutEndMarker;
    }

    @Override
    public String toString() {
        return "ShardsFinishedEvent" + new TreeSet<>(shardIds)
                + (withoutEndMarker.isEmpty() ? "" : " without END marker " + new TreeSet<>(withoutEndMarker));
    }
}
