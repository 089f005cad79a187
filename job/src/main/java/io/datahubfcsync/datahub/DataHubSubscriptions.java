package io.datahubfcsync.datahub;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The subscriptions of one DataHub topic, which the job mirrors its delivered positions to so that
 * DataHub's console shows its progress: finding or creating one, opening sessions on its shards and
 * committing offsets, in the job's own types. Subscriptions are a DataHub service of their own,
 * used only at submission and by the progress mirror, so they are apart from {@link DataHubClient}.
 *
 * <p>Every method throws a {@link DataHubException} subtype. What a commit can meet and its caller
 * handles (the session taken over, the offset reset in the console, the subscription offline) is a
 * {@link SubscriptionStateException}. Implementations are not serializable: build them where they
 * are used.
 */
public interface DataHubSubscriptions extends AutoCloseable {

    /** Whether the topic has a subscription with this id. */
    boolean exists(String subId);

    /** The id of a subscription of the topic whose comment is exactly {@code comment}, if there is one. */
    Optional<String> findByComment(String comment);

    /** Creates a subscription with this comment and returns its id. */
    String create(String comment);

    /**
     * Opens a session on each shard, taking it over from any other consumer; every later commit of a
     * shard carries its session.
     */
    Map<String, SubscriptionSession> openSessions(String subId, List<String> shardIds);

    /** Commits the offsets, each under its shard's session. */
    void commit(String subId, List<SubscriptionCommit> offsets);

    @Override
    void close();
}
