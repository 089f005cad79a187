package io.datahubfcsync.progress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.aliyun.datahub.client.DatahubClient;
import io.datahubfcsync.datahub.DataHubConnection;
import io.datahubfcsync.datahub.DataHubSubscriptions;
import io.datahubfcsync.local.datahub.DataHubEmulator;
import io.datahubfcsync.testing.Await;
import io.datahubfcsync.testing.KitConnections;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Mirroring delivered positions into a DataHub subscription, through the real SDK against the emulator. */
class SubscriptionMirrorTest {
    private static final String P = "mirror_project";
    private static final String T = "orders";
    private static final List<String> SHARDS = List.of("0", "1");
    private DataHubEmulator datahub;
    private DataHubConnection connection;

    @BeforeEach
    void start() {
        datahub = DataHubEmulator.start();
        datahub.createProject(P);
        datahub.createTopic(P, T, 2, null);
        connection = KitConnections.dataHub(datahub);
    }

    @AfterEach
    void stop() {
        datahub.close();
    }

    @Test
    void deliveredPositionsAreWhatTheConsoleShowsAndShardsWithNothingDeliveredAreLeftAlone() {
        String subId = datahub.createSubscription(P, T, "console");
        try (SubscriptionMirror mirror =
                DataHubSubscriptionMirror.factory(connection, P, T, subId).create()) {
            assertThat(mirror.commit(
                            List.of(new DeliveredPosition("0", 41, 1_000), new DeliveredPosition("1", -1, -1))))
                    .isEqualTo(SubscriptionMirror.Outcome.COMMITTED);
            assertThat(datahub.committedSequences(P, T, subId, SHARDS))
                    .containsEntry("0", 41L)
                    .containsEntry("1", -1L);
            mirror.commit(List.of(new DeliveredPosition("0", 99, 2_000), new DeliveredPosition("1", 7, 2_000)));
            assertThat(datahub.committedSequences(P, T, subId, SHARDS))
                    .containsEntry("0", 99L)
                    .containsEntry("1", 7L);
        }
    }

    @Test
    void aSessionTakenOverByAnotherConsumerIsOpenedAgain() {
        String subId = datahub.createSubscription(P, T, "console");
        try (SubscriptionMirror mirror =
                DataHubSubscriptionMirror.factory(connection, P, T, subId).create()) {
            mirror.commit(List.of(new DeliveredPosition("0", 1, 1_000)));
            DatahubClient other = connection.createSdkClient();
            other.openSubscriptionSession(P, T, subId, List.of("0"));
            assertThat(mirror.commit(List.of(new DeliveredPosition("0", 2, 1_000))))
                    .isEqualTo(SubscriptionMirror.Outcome.COMMITTED);
            assertThat(mirror.sessionsReopened()).isEqualTo(1);
            assertThat(datahub.committedSequences(P, T, subId, SHARDS)).containsEntry("0", 2L);
        }
    }

    @Test
    void aConsoleResetIsCountedAndOverwrittenWithTheJobsRealPosition() {
        String subId = datahub.createSubscription(P, T, "console");
        try (SubscriptionMirror mirror =
                DataHubSubscriptionMirror.factory(connection, P, T, subId).create()) {
            mirror.commit(List.of(new DeliveredPosition("0", 41, 1_000)));
            datahub.resetSubscriptionOffset(P, T, subId, "0", 3);
            assertThat(mirror.commit(List.of(new DeliveredPosition("0", 50, 1_000))))
                    .isEqualTo(SubscriptionMirror.Outcome.COMMITTED);
            assertThat(mirror.offsetResets()).isEqualTo(1);
            assertThat(datahub.committedSequences(P, T, subId, SHARDS)).containsEntry("0", 50L);
        }
    }

    @Test
    void anOfflineSubscriptionIsReportedNotThrownAndCommitsResumeOnceOnline() {
        String subId = datahub.createSubscription(P, T, "console");
        try (SubscriptionMirror mirror =
                DataHubSubscriptionMirror.factory(connection, P, T, subId).create()) {
            mirror.commit(List.of(new DeliveredPosition("0", 1, 1_000)));
            datahub.setSubscriptionOnline(P, T, subId, false);
            assertThat(mirror.commit(List.of(new DeliveredPosition("0", 2, 1_000))))
                    .isEqualTo(SubscriptionMirror.Outcome.OFFLINE);
            datahub.setSubscriptionOnline(P, T, subId, true);
            assertThat(mirror.commit(List.of(new DeliveredPosition("0", 3, 1_000))))
                    .isEqualTo(SubscriptionMirror.Outcome.COMMITTED);
            assertThat(datahub.committedSequences(P, T, subId, SHARDS)).containsEntry("0", 3L);
        }
    }

    @Test
    void theNewestCompletedCheckpointIsCommittedAndAnOlderOneNever() {
        String subId = datahub.createSubscription(P, T, "console");
        try (ProgressPublisher publisher = new ProgressPublisher(
                DataHubSubscriptionMirror.factory(connection, P, T, subId).create(), "test committer")) {
            publisher.checkpointTaken(1, List.of(new DeliveredPosition("0", 10, 1_000)));
            publisher.checkpointTaken(2, List.of(new DeliveredPosition("0", 20, 2_000)));
            publisher.checkpointTaken(3, List.of(new DeliveredPosition("0", 30, 3_000)));
            publisher.checkpointCompleted(2);
            Await.until("the commit of checkpoint 2", Duration.ofSeconds(20), () -> publisher.commits() == 1);
            assertThat(datahub.committedSequences(P, T, subId, SHARDS)).containsEntry("0", 20L);
            publisher.checkpointCompleted(1); // superseded: must not move the subscription back
            publisher.checkpointAborted(3);
            publisher.checkpointCompleted(3);
            assertThat(publisher.commits()).isEqualTo(1);
            assertThat(datahub.committedSequences(P, T, subId, SHARDS)).containsEntry("0", 20L);
        }
    }

    @Test
    void autoCreatesOneSubscriptionPerJobAndFindsItAgainAtTheNextStart() {
        DataHubSubscriptions client = connection.subscriptions(P, T);
        datahub.createSubscription(P, T, "someone else's");
        String first = SubscriptionResolver.resolve(client, P, T, "auto", "datahub-fc-sync p/t -> fn");
        String again = SubscriptionResolver.resolve(client, P, T, "auto", "datahub-fc-sync p/t -> fn");
        assertThat(again).isEqualTo(first);
        assertThat(datahub.subscriptionIds(P, T)).hasSize(2).contains(first);
        assertThat(SubscriptionResolver.resolve(client, P, T, first, "any")).isEqualTo(first);
        assertThatThrownBy(() -> SubscriptionResolver.resolve(client, P, T, "1700000000000nope", "any"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("datahub.subscription '1700000000000nope' does not exist");
    }
}
