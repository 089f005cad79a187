package io.datahubfcsync.source.enumerator;

import io.datahubfcsync.source.client.CursorPosition;
import io.datahubfcsync.source.client.DataHubClient;
import io.datahubfcsync.source.client.ShardInfo;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * Lists the topic's shards; runs in the coordinator's worker pool, so it touches no enumerator
 * state. Until the enumerator confirms the start is resolved, each listing also resolves it (a
 * failed attempt is simply repeated by the next listing).
 */
final class ShardDiscovery implements Callable<ShardListing> {
    private final DataHubClient client;
    private final StartPositionResolver resolver;
    private volatile boolean startResolved;

    ShardDiscovery(DataHubClient client, StartPositionResolver resolver, boolean startResolved) {
        this.client = client;
        this.resolver = resolver;
        this.startResolved = startResolved;
    }

    void startResolved() {
        startResolved = true;
    }

    @Override
    public synchronized ShardListing call() {
        List<ShardInfo> shards = client.listShards();
        Map<String, CursorPosition> initial = startResolved ? null : resolver.resolve(client, shards);
        return new ShardListing(shards, initial);
    }
}
