package io.datahubfcsync.local.datahub;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.aliyun.datahub.client.DatahubClient;
import com.aliyun.datahub.client.exception.DatahubClientException;
import com.aliyun.datahub.client.exception.LimitExceededException;
import com.aliyun.datahub.client.exception.ShardNotFoundException;
import com.aliyun.datahub.client.model.CursorType;
import io.datahubfcsync.datahub.DataHubProtocol;
import io.datahubfcsync.testing.ManualClock;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Each injected fault reaches the real SDK as DataHub's failure would. */
class DataHubEmulatorFaultsTest {
    private static final String P = "proj_faults";
    private final ManualClock now = new ManualClock(1_700_000_000_000L);
    private DataHubEmulator emulator;

    @BeforeEach
    void start() {
        emulator = DataHubEmulator.builder().clock(now).start();
        emulator.createProject(P);
        emulator.createTopic(P, "t", 1, null);
        emulator.appendBlob(P, "t", "0", "r0".getBytes(UTF_8));
    }

    @AfterEach
    void stop() {
        emulator.close();
    }

    @ParameterizedTest
    @EnumSource(DataHubProtocol.class)
    void limitExceededForTheNextCallsOfOneAction(DataHubProtocol protocol) {
        DatahubClient c = SdkClients.client(emulator, protocol);
        String cursor = c.getCursor(P, "t", "0", CursorType.OLDEST).getCursor();
        emulator.faults().failNext(2, DataHubFault.LIMIT_EXCEEDED, DataHubAction.GET_RECORDS);

        for (int i = 0; i < 2; i++) {
            assertThatThrownBy(() -> c.getRecords(P, "t", "0", cursor, 10))
                    .isInstanceOf(LimitExceededException.class)
                    .satisfies(e -> assertThat(((DatahubClientException) e).getHttpStatus())
                            .isEqualTo(429));
            // other calls are not affected
            assertThat(c.getCursor(P, "t", "0", CursorType.LATEST).getSequence())
                    .isZero();
        }
        assertThat(c.getRecords(P, "t", "0", cursor, 10).getRecordCount()).isEqualTo(1);
        assertThat(emulator.faults().pendingFailures()).isZero();
        assertThat(emulator.calls().of(DataHubAction.GET_RECORDS)).isEqualTo(3);
        assertThat(emulator.calls().of(DataHubAction.GET_CURSOR)).isEqualTo(3);
    }

    @ParameterizedTest
    @EnumSource(DataHubProtocol.class)
    void internalServerErrorForTheNextCallOfAnyKind(DataHubProtocol protocol) {
        DatahubClient c = SdkClients.client(emulator, protocol);
        emulator.faults().failNext(1, DataHubFault.INTERNAL_SERVER_ERROR);
        assertThatThrownBy(() -> c.listShard(P, "t"))
                .isExactlyInstanceOf(DatahubClientException.class)
                .satisfies(e ->
                        assertThat(((DatahubClientException) e).getHttpStatus()).isEqualTo(500))
                .satisfies(e ->
                        assertThat(((DatahubClientException) e).getErrorCode()).isEqualTo("InternalServerError"));
        assertThat(c.listShard(P, "t").getShards()).hasSize(1);
    }

    @ParameterizedTest
    @EnumSource(DataHubProtocol.class)
    void droppedConnectionsAreNetworkErrors(DataHubProtocol protocol) {
        DatahubClient c = SdkClients.client(emulator, protocol);
        String cursor = c.getCursor(P, "t", "0", CursorType.OLDEST).getCursor(); // a pooled keep-alive connection

        // Measured: the SDK's okhttp (retryOnConnectionFailure) sends a request up to 3 times when the
        // connection drops without a response, so 2 drops stay invisible to the caller...
        emulator.faults().failNext(2, DataHubFault.DROP_CONNECTION, DataHubAction.GET_RECORDS);
        assertThat(c.getRecords(P, "t", "0", cursor, 10).getRecordCount()).isEqualTo(1);
        assertThat(emulator.calls().of(DataHubAction.GET_RECORDS)).isEqualTo(3);

        // ...and the 3rd consecutive drop reaches it as a network error (httpStatus 5001, no error code).
        emulator.faults().failNext(3, DataHubFault.DROP_CONNECTION, DataHubAction.GET_RECORDS);
        assertThatThrownBy(() -> c.getRecords(P, "t", "0", cursor, 10))
                .isExactlyInstanceOf(DatahubClientException.class)
                .satisfies(e ->
                        assertThat(((DatahubClientException) e).getHttpStatus()).isEqualTo(5001))
                .satisfies(e ->
                        assertThat(((DatahubClientException) e).getErrorCode()).isNull());
        assertThat(emulator.calls().of(DataHubAction.GET_RECORDS)).isEqualTo(6);
        assertThat(emulator.faults().pendingFailures()).isZero();
        assertThat(c.getRecords(P, "t", "0", cursor, 10).getRecordCount()).isEqualTo(1);
    }

    @Test
    void latencyDelaysTheChosenCalls() {
        DatahubClient c = SdkClients.client(emulator, DataHubProtocol.PROTOBUF);
        c.getTopic(P, "t"); // warm the connection
        emulator.faults().latency(DataHubAction.GET_TOPIC, Duration.ofMillis(300));
        long start = System.nanoTime();
        c.getTopic(P, "t");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
        assertThat(emulator.faults().latencyMillis(DataHubAction.LIST_SHARD)).isZero();
        emulator.faults().latency(Duration.ofMillis(20));
        assertThat(emulator.faults().latencyMillis(DataHubAction.GET_TOPIC)).isEqualTo(320);
        assertThat(emulator.faults().latencyMillis(DataHubAction.LIST_SHARD)).isEqualTo(20);
    }

    @ParameterizedTest
    @EnumSource(DataHubProtocol.class)
    void newShardsAreTransientlyNotFoundForSomeCalls(DataHubProtocol protocol) {
        DatahubClient c = SdkClients.client(emulator, protocol);
        emulator.faults().hideNewShardsAfterReshard(2);
        c.splitShard(P, "t", "0");
        assertThat(c.listShard(P, "t").getShards()).hasSize(3);
        for (int i = 0; i < 2; i++) {
            assertThatThrownBy(() -> c.getCursor(P, "t", "1", CursorType.OLDEST))
                    .isInstanceOf(ShardNotFoundException.class);
        }
        assertThat(c.getCursor(P, "t", "1", CursorType.OLDEST).getSequence()).isZero();
        assertThat(c.getCursor(P, "t", "0", CursorType.OLDEST).getSequence())
                .as("the parent is unaffected")
                .isZero();
    }

    @Test
    void newShardsAreTransientlyNotFoundForADuration() {
        DatahubClient c = SdkClients.client(emulator, DataHubProtocol.JSON);
        emulator.faults().hideNewShardsAfterReshard(Duration.ofSeconds(5));
        emulator.splitShard(P, "t", "0");
        now.advance(4_999);
        assertThatThrownBy(() -> c.getCursor(P, "t", "2", CursorType.OLDEST))
                .isInstanceOf(ShardNotFoundException.class);
        now.advance(1);
        assertThat(c.getCursor(P, "t", "2", CursorType.OLDEST).getSequence()).isZero();
    }
}
