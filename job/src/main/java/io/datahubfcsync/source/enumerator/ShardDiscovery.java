package io.datahubfcsync.source.enumerator;

import io.datahubfcsync.datahub.CursorPosition;
import io.datahubfcsync.datahub.DataHubClient;
import io.datahubfcsync.datahub.ShardInfo;
import io.datahubfcsync.source.config.ResolvedStart;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import javax.annotation.Nullable;

/**
 * Lists the topic's shards; runs in the coordinator's worker pool, so it touches no enumerator
 * state. Until the enumerator confirms the start is taken in, each listing also hands over the
 * start per shard: the one resolved before submission, or (for an enumerator built without one)
 * resolved now; a failed attempt is simply repeated by the next listing.
 */
final class ShardDiscovery implements Callable<ShardListing> {
    private final DataHubClient client;
    private final StartPositionResolver resolver;
    private final ResolvedStart resolvedBeforeSubmission;
    private volatile boolean startResolved;

    ShardDiscovery(
            DataHubClient client,
            StartPositionResolver resolver,
            @Nullable ResolvedStart resolvedBeforeSubmission,
            boolean startResolved) {
        this.client = client;
        this.resolver = resolver;
        this.resolvedBeforeSubmission = resolvedBeforeSubmission;
        this.startResolved = startResolved;
    }

    void startResolved() {
        startResolved = true;
    }

    @Override
    public synchronized ShardListing call() {
        List<ShardInfo> shards = client.listShards();
        Map<String, CursorPosition> initial = startResolved
                ? null
                : resolvedBeforeSubmission != null
                        ? resolvedBeforeSubmission.positions()
                        : resolver.resolve(client, shards);
        return new ShardListing(shards, initial);
    }
}
