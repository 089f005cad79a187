package io.datahubfcsync.source.enumerator;

import java.util.Set;
import java.util.TreeSet;
import org.apache.flink.api.connector.source.SourceEvent;

/**
 * Reader → enumerator, when a reader starts: the open shards it holds, restored from a checkpoint.
 * After a restore at another parallelism Flink hands the readers' splits out anew; this tells the
 * enumerator who reads what, so shards assigned later keep the readers balanced.
 */
public final class ReaderSplitsEvent implements SourceEvent {
    private static final long serialVersionUID = 1L;

    private final Set<String> shardIds;

    public ReaderSplitsEvent(Set<String> shardIds) {
        this.shardIds = Set.copyOf(shardIds);
    }

    public Set<String> shardIds() {
        return shardIds;
    }

    @Override
    public String toString() {
        return "ReaderSplitsEvent" + new TreeSet<>(shardIds);
    }
}
