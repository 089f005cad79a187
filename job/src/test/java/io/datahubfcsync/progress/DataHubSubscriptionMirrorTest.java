package io.datahubfcsync.progress;

import static org.assertj.core.api.Assertions.assertThat;

import io.datahubfcsync.datahub.DataHubRetryableException;
import io.datahubfcsync.datahub.DataHubSubscriptions;
import io.datahubfcsync.datahub.SubscriptionCommit;
import io.datahubfcsync.datahub.SubscriptionSession;
import io.datahubfcsync.datahub.SubscriptionStateException;
import io.datahubfcsync.datahub.SubscriptionStateException.Reason;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * The mirror's session handling against a scripted stand-in for our subscription seam (the real
 * SDK against the emulator is {@link SubscriptionMirrorTest}).
 */
class DataHubSubscriptionMirrorTest {

    /** Hands out numbered sessions and fails the next commits as scripted. */
    private static final class ScriptedSubscriptions implements DataHubSubscriptions {
        final List<List<String>> opened = new ArrayList<>();
        final List<List<SubscriptionCommit>> committed = new ArrayList<>();
        final Deque<Supplier<RuntimeException>> commitFailures = new ArrayDeque<>();
        private long sessions;

        @Override
        public boolean exists(String subId) {
            return true;
        }

        @Override
        public Optional<String> findByComment(String comment) {
            return Optional.empty();
        }

        @Override
        public String create(String comment) {
            return "sub";
        }

        @Override
        public void close() {}

        @Override
        public Map<String, SubscriptionSession> openSessions(String subId, List<String> shardIds) {
            opened.add(List.copyOf(shardIds));
            Map<String, SubscriptionSession> m = new LinkedHashMap<>();
            for (String s : shardIds) m.put(s, new SubscriptionSession("session-" + ++sessions, 1));
            return m;
        }

        @Override
        public void commit(String subId, List<SubscriptionCommit> offsets) {
            Supplier<RuntimeException> failure = commitFailures.poll();
            if (failure != null) throw failure.get();
            committed.add(List.copyOf(offsets));
        }
    }

    private static SubscriptionStateException refused(Reason reason) {
        return new SubscriptionStateException(reason, "commitSubscriptionOffset sub of p/t: " + reason, null);
    }

    private final ScriptedSubscriptions hub = new ScriptedSubscriptions();
    private final DataHubSubscriptionMirror mirror = new DataHubSubscriptionMirror(hub, "p", "t", "sub");

    @Test
    void sessionsAreOpenedOnceAndShardsWithNothingDeliveredAreNeitherOpenedNorCommitted() {
        assertThat(mirror.commit(List.of(new DeliveredPosition("0", -1, -1))))
                .isEqualTo(SubscriptionMirror.Outcome.COMMITTED);
        assertThat(hub.opened).isEmpty();

        mirror.commit(List.of(new DeliveredPosition("0", 5, 1_000), new DeliveredPosition("1", -1, -1)));
        mirror.commit(List.of(new DeliveredPosition("0", 6, 2_000)));
        assertThat(hub.opened).containsExactly(List.of("0"));
        assertThat(hub.committed).extracting(c -> c.get(0).sequence()).containsExactly(5L, 6L);
        assertThat(hub.committed.get(1).get(0).session()).isEqualTo(new SubscriptionSession("session-1", 1));
    }

    @Test
    void aTakenOverSessionOrAResetIsOpenedAgainOnceAndCounted() {
        mirror.commit(List.of(new DeliveredPosition("0", 1, 1_000)));
        hub.commitFailures.add(() -> refused(Reason.SESSION_TAKEN_OVER));
        assertThat(mirror.commit(List.of(new DeliveredPosition("0", 2, 1_000))))
                .isEqualTo(SubscriptionMirror.Outcome.COMMITTED);
        hub.commitFailures.add(() -> refused(Reason.OFFSET_RESET));
        assertThat(mirror.commit(List.of(new DeliveredPosition("0", 3, 1_000))))
                .isEqualTo(SubscriptionMirror.Outcome.COMMITTED);

        assertThat(mirror.sessionsReopened()).isEqualTo(1);
        assertThat(mirror.offsetResets()).isEqualTo(1);
        assertThat(hub.opened).hasSize(3);
        assertThat(hub.committed.get(2).get(0).session().sessionId()).isEqualTo("session-3");
    }

    @Test
    void aSecondRefusalAfterReopeningIsAFailureAndTheNextCommitOpensItsSessionsAfresh() {
        mirror.commit(List.of(new DeliveredPosition("0", 1, 1_000)));
        hub.commitFailures.add(() -> refused(Reason.SESSION_TAKEN_OVER));
        hub.commitFailures.add(() -> refused(Reason.SESSION_TAKEN_OVER));
        assertThat(mirror.commit(List.of(new DeliveredPosition("0", 2, 1_000))))
                .isEqualTo(SubscriptionMirror.Outcome.FAILED);

        assertThat(mirror.commit(List.of(new DeliveredPosition("0", 3, 1_000))))
                .isEqualTo(SubscriptionMirror.Outcome.COMMITTED);
        assertThat(hub.opened).hasSize(3);
        assertThat(hub.committed).extracting(c -> c.get(0).sequence()).containsExactly(1L, 3L);
    }

    @Test
    void anOfflineSubscriptionIsReportedWithoutReopeningAndAnyOtherFailureIsAFailure() {
        mirror.commit(List.of(new DeliveredPosition("0", 1, 1_000)));
        hub.commitFailures.add(() -> refused(Reason.OFFLINE));
        assertThat(mirror.commit(List.of(new DeliveredPosition("0", 2, 1_000))))
                .isEqualTo(SubscriptionMirror.Outcome.OFFLINE);
        assertThat(hub.opened).hasSize(1);

        hub.commitFailures.add(() -> new DataHubRetryableException(
                DataHubRetryableException.Kind.SERVER_ERROR,
                "commitSubscriptionOffset sub of p/t failed: server error",
                null));
        assertThat(mirror.commit(List.of(new DeliveredPosition("0", 3, 1_000))))
                .isEqualTo(SubscriptionMirror.Outcome.FAILED);
        assertThat(mirror.commit(List.of(new DeliveredPosition("0", 4, 1_000))))
                .isEqualTo(SubscriptionMirror.Outcome.COMMITTED);
        assertThat(hub.opened).hasSize(2);
        assertThat(mirror.sessionsReopened()).isZero();
    }
}
