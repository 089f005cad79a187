package io.datahubfcsync.datahub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.datahubfcsync.credentials.CredentialsSource;
import io.datahubfcsync.datahub.SubscriptionStateException.Reason;
import io.datahubfcsync.local.datahub.DataHubEmulator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Our subscription calls over the real SDK, against the DataHub emulator over HTTP. */
class SdkDataHubSubscriptionsTest {
    private static final String P = "proj";
    private static final String T = "orders";
    private DataHubEmulator emulator;
    private DataHubConnection connection;

    @BeforeEach
    void start() {
        emulator = DataHubEmulator.start();
        emulator.createProject(P);
        emulator.createTopic(P, T, 2, null);
        connection = new DataHubConnection(
                emulator.endpoint(),
                DataHubProtocol.PROTOBUF,
                CredentialsSource.fromEnvironment(Map.of(
                        CredentialsSource.ENV_ACCESS_KEY_ID,
                        DataHubEmulator.TEST_ACCESS_KEY_ID,
                        CredentialsSource.ENV_ACCESS_KEY_SECRET,
                        DataHubEmulator.TEST_ACCESS_KEY_SECRET)));
    }

    @AfterEach
    void stop() {
        emulator.close();
    }

    @Test
    void anIdIsCheckedToExistAndACommentIsFoundBeyondTheFirstPageOfTheListing() {
        DataHubSubscriptions subscriptions = connection.subscriptions(P, T);
        for (int i = 0; i < 100; i++) emulator.createSubscription(P, T, "someone else's " + i);
        String mine = subscriptions.create("mirror of my job");

        assertThat(emulator.subscriptionIds(P, T)).hasSize(101).contains(mine);
        assertThat(subscriptions.exists(mine)).isTrue();
        assertThat(subscriptions.exists("1700000000000nope")).isFalse();
        assertThat(subscriptions.findByComment("mirror of my job")).contains(mine);
        assertThat(subscriptions.findByComment("mirror of another job")).isEmpty();
    }

    @Test
    void commitsUnderTheOpenedSessionAndEachRefusalByTheSubscriptionsStateHasItsReason() {
        String subId = emulator.createSubscription(P, T, "console");
        DataHubSubscriptions ours = connection.subscriptions(P, T);
        Map<String, SubscriptionSession> sessions = ours.openSessions(subId, List.of("0", "1"));
        assertThat(sessions).containsOnlyKeys("0", "1");
        ours.commit(
                subId,
                List.of(
                        new SubscriptionCommit("0", 41, 1_000, sessions.get("0")),
                        new SubscriptionCommit("1", 7, 1_000, sessions.get("1"))));
        assertThat(emulator.committedSequences(P, T, subId, List.of("0", "1")))
                .containsEntry("0", 41L)
                .containsEntry("1", 7L);

        connection.subscriptions(P, T).openSessions(subId, List.of("0")); // another consumer
        assertThatThrownBy(() -> ours.commit(subId, List.of(new SubscriptionCommit("0", 42, 1_000, sessions.get("0")))))
                .isInstanceOfSatisfying(
                        SubscriptionStateException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.SESSION_TAKEN_OVER));

        SubscriptionSession reopened = ours.openSessions(subId, List.of("0")).get("0");
        emulator.resetSubscriptionOffset(P, T, subId, "0", 3);
        assertThatThrownBy(() -> ours.commit(subId, List.of(new SubscriptionCommit("0", 43, 1_000, reopened))))
                .isInstanceOfSatisfying(
                        SubscriptionStateException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.OFFSET_RESET));

        SubscriptionSession afterReset = ours.openSessions(subId, List.of("0")).get("0");
        emulator.setSubscriptionOnline(P, T, subId, false);
        assertThatThrownBy(() -> ours.commit(subId, List.of(new SubscriptionCommit("0", 44, 1_000, afterReset))))
                .isInstanceOfSatisfying(
                        SubscriptionStateException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.OFFLINE))
                .hasMessageContaining(subId);
        emulator.setSubscriptionOnline(P, T, subId, true);
        ours.commit(subId, List.of(new SubscriptionCommit("0", 44, 1_000, afterReset)));
        assertThat(emulator.committedSequences(P, T, subId, List.of("0"))).containsEntry("0", 44L);
    }

    @Test
    void callsOnATopicThatDoesNotExistAreOurFatalNotFound() {
        DataHubSubscriptions missing = connection.subscriptions(P, "no_such_topic");
        assertThatThrownBy(() -> missing.create("mirror of my job"))
                .isInstanceOfSatisfying(
                        DataHubFatalException.class,
                        e -> assertThat(e.reason()).isEqualTo(DataHubFatalException.Reason.PROJECT_OR_TOPIC_NOT_FOUND));
    }
}
