package io.datahubfcsync.source.enumerator;

import java.util.Set;
import java.util.TreeSet;
import org.apache.flink.api.connector.source.SourceEvent;

/** Reader → enumerator: these shards were read to their end (or to the stop time). */
public final class ShardsFinishedEvent implements SourceEvent {
    private static final long serialVersionUID = 1L;

    private final Set<String> shardIds;

    public ShardsFinishedEvent(Set<String> shardIds) {
        this.shardIds = Set.copyOf(shardIds);
    }

    public Set<String> shardIds() {
        return shardIds;
    }

    @Override
    public String toString() {
        return "ShardsFinishedEvent" + new TreeSet<>(shardIds);
    }
}
