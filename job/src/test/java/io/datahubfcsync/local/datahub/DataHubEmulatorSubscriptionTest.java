package io.datahubfcsync.local.datahub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.aliyun.datahub.client.DatahubClient;
import com.aliyun.datahub.client.exception.ResourceNotFoundException;
import com.aliyun.datahub.client.exception.SubscriptionOfflineException;
import com.aliyun.datahub.client.exception.SubscriptionOffsetResetException;
import com.aliyun.datahub.client.exception.SubscriptionSessionInvalidException;
import com.aliyun.datahub.client.model.SubscriptionOffset;
import com.aliyun.datahub.client.model.SubscriptionState;
import io.datahubfcsync.datahub.DataHubProtocol;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The subscription calls the job uses, through the real SDK: create, get, open a session, commit, get offsets. */
class DataHubEmulatorSubscriptionTest {
    private static final String P = "proj_sub";
    private static final String T = "orders";
    private DataHubEmulator emulator;
    private DatahubClient client;

    @BeforeEach
    void start() {
        emulator = DataHubEmulator.start();
        emulator.createProject(P);
        emulator.createTopic(P, T, 2, null);
        client = SdkClients.client(emulator, DataHubProtocol.PROTOBUF);
    }

    @AfterEach
    void stop() {
        emulator.close();
    }

    @Test
    void aCommittedOffsetIsWhatTheConsoleAndANewSessionSee() {
        String subId = client.createSubscription(P, T, "datahub-fc-sync job").getSubId();
        assertThat(emulator.subscriptionIds(P, T)).containsExactly(subId);
        assertThat(client.getSubscription(P, T, subId).getState()).isEqualTo(SubscriptionState.ONLINE);
        assertThat(client.getSubscription(P, T, subId).getComment()).isEqualTo("datahub-fc-sync job");

        Map<String, SubscriptionOffset> opened =
                client.openSubscriptionSession(P, T, subId, List.of("0", "1")).getOffsets();
        assertThat(opened.get("0").getSequence()).as("nothing committed yet").isEqualTo(-1);
        client.commitSubscriptionOffset(P, T, subId, Map.of("0", offset(opened.get("0"), 41, 1_700_000_000_000L)));

        assertThat(emulator.committedSequences(P, T, subId, List.of("0", "1")))
                .containsEntry("0", 41L)
                .containsEntry("1", -1L);
        SubscriptionOffset got = client.getSubscriptionOffset(P, T, subId, List.of("0"))
                .getOffsets()
                .get("0");
        assertThat(got.getSequence()).isEqualTo(41);
        assertThat(got.getTimestamp()).isEqualTo(1_700_000_000_000L);
        assertThat(client.openSubscriptionSession(P, T, subId, List.of("0"))
                        .getOffsets()
                        .get("0")
                        .getSequence())
                .isEqualTo(41);
    }

    @Test
    void aNewerSessionOrAResetOrGoingOfflineRefusesTheOldCommit() {
        String subId = client.createSubscription(P, T, "c").getSubId();
        SubscriptionOffset first = client.openSubscriptionSession(P, T, subId, List.of("0"))
                .getOffsets()
                .get("0");
        SubscriptionOffset second = client.openSubscriptionSession(P, T, subId, List.of("0"))
                .getOffsets()
                .get("0");
        assertThat(second.getSessionId()).isNotEqualTo(first.getSessionId());
        assertThatThrownBy(() -> client.commitSubscriptionOffset(P, T, subId, Map.of("0", offset(first, 5, 1))))
                .isInstanceOf(SubscriptionSessionInvalidException.class);
        client.commitSubscriptionOffset(P, T, subId, Map.of("0", offset(second, 5, 1)));

        emulator.resetSubscriptionOffset(P, T, subId, "0", 2);
        assertThatThrownBy(() -> client.commitSubscriptionOffset(P, T, subId, Map.of("0", offset(second, 6, 1))))
                .isInstanceOf(SubscriptionOffsetResetException.class);
        SubscriptionOffset afterReset = client.openSubscriptionSession(P, T, subId, List.of("0"))
                .getOffsets()
                .get("0");
        assertThat(afterReset.getSequence()).isEqualTo(2);
        client.commitSubscriptionOffset(P, T, subId, Map.of("0", offset(afterReset, 7, 1)));

        client.updateSubscriptionState(P, T, subId, SubscriptionState.OFFLINE);
        assertThat(client.getSubscription(P, T, subId).getState()).isEqualTo(SubscriptionState.OFFLINE);
        assertThatThrownBy(() -> client.commitSubscriptionOffset(P, T, subId, Map.of("0", offset(afterReset, 8, 1))))
                .isInstanceOf(SubscriptionOfflineException.class);
        assertThat(emulator.committedSequences(P, T, subId, List.of("0"))).containsEntry("0", 7L);
    }

    @Test
    void anUnknownSubscriptionIsNotFound() {
        assertThatThrownBy(() -> client.getSubscription(P, T, "1700000000000nope"))
                .isInstanceOf(ResourceNotFoundException.class)
                .hasMessageContaining("NoSuchSubscription");
    }

    private static SubscriptionOffset offset(SubscriptionOffset session, long sequence, long timestamp) {
        SubscriptionOffset o = new SubscriptionOffset();
        o.setSequence(sequence);
        o.setTimestamp(timestamp);
        o.setVersionId(session.getVersionId());
        o.setSessionId(session.getSessionId());
        return o;
    }
}
