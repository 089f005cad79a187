package io.datahubfcsync.local.datahub;

import static io.datahubfcsync.local.datahub.DataHubEmulatorRoundTripTest.blob;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.aliyun.datahub.client.DatahubClient;
import com.aliyun.datahub.client.auth.AliyunAccount;
import com.aliyun.datahub.client.exception.AuthorizationFailureException;
import com.aliyun.datahub.client.exception.DatahubClientException;
import com.aliyun.datahub.client.exception.InvalidParameterException;
import com.aliyun.datahub.client.exception.ResourceNotFoundException;
import com.aliyun.datahub.client.exception.SeekOutOfRangeException;
import com.aliyun.datahub.client.exception.ShardNotFoundException;
import com.aliyun.datahub.client.exception.ShardSealedException;
import com.aliyun.datahub.client.model.CursorType;
import com.aliyun.datahub.client.model.RecordEntry;
import io.datahubfcsync.datahub.DataHubProtocol;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The emulator's errors reach the real SDK as its typed exceptions, in both modes. */
class DataHubEmulatorErrorsTest {
    private static final String P = "proj_err";
    private DataHubEmulator emulator;

    @BeforeEach
    void start() {
        emulator = DataHubEmulator.start();
        emulator.createProject(P);
        emulator.createTopic(P, "t", 1, null);
        for (int i = 0; i < 3; i++) emulator.appendBlob(P, "t", "0", ("r" + i).getBytes(UTF_8));
    }

    @AfterEach
    void stop() {
        emulator.close();
    }

    @ParameterizedTest
    @EnumSource(DataHubProtocol.class)
    void unknownProjectTopicAndShard(DataHubProtocol protocol) {
        DatahubClient c = SdkClients.client(emulator, protocol);
        assertThatThrownBy(() -> c.getTopic("no_such_project", "t"))
                .isInstanceOf(ResourceNotFoundException.class)
                .satisfies(e ->
                        assertThat(((DatahubClientException) e).getErrorCode()).isEqualTo("NoSuchProject"));
        assertThatThrownBy(() -> c.listShard(P, "missing"))
                .isInstanceOf(ResourceNotFoundException.class)
                .satisfies(e ->
                        assertThat(((DatahubClientException) e).getErrorCode()).isEqualTo("NoSuchTopic"))
                .satisfies(e ->
                        assertThat(((DatahubClientException) e).getHttpStatus()).isEqualTo(404))
                .satisfies(e ->
                        assertThat(((DatahubClientException) e).getRequestId()).isNotBlank());
        assertThatThrownBy(() -> c.getCursor(P, "t", "7", CursorType.OLDEST))
                .isInstanceOf(ShardNotFoundException.class);
        assertThatThrownBy(() -> c.getRecords(P, "t", "7", cursor(c, 0), 10))
                .isInstanceOf(ShardNotFoundException.class);
    }

    @ParameterizedTest
    @EnumSource(DataHubProtocol.class)
    void badCursorsAreInvalidCursor(DataHubProtocol protocol) {
        DatahubClient c = SdkClients.client(emulator, protocol);
        emulator.createTopic(P, "other", 2, null);
        String foreign = c.getCursor(P, "other", "1", CursorType.OLDEST).getCursor();
        for (String bad : List.of("garbage", foreign)) {
            assertThatThrownBy(() -> c.getRecords(P, "t", "0", bad, 10))
                    .isInstanceOf(InvalidParameterException.class)
                    .satisfies(e -> assertThat(((DatahubClientException) e).getErrorCode())
                            .isEqualTo("InvalidCursor"));
        }
    }

    @ParameterizedTest
    @EnumSource(DataHubProtocol.class)
    void expiredRecordsGiveSeekOutOfRangeAndInvalidCursor(DataHubProtocol protocol) {
        DatahubClient c = SdkClients.client(emulator, protocol);
        String atZero = cursor(c, 0);
        assertThat(emulator.expireBefore(P, "t", "0", 2)).isEqualTo(2);

        assertThatThrownBy(() -> c.getCursor(P, "t", "0", CursorType.SEQUENCE, 1))
                .isInstanceOf(SeekOutOfRangeException.class);
        assertThatThrownBy(() -> c.getRecords(P, "t", "0", atZero, 10))
                .isInstanceOf(InvalidParameterException.class)
                .satisfies(e ->
                        assertThat(((DatahubClientException) e).getErrorCode()).isEqualTo("InvalidCursor"));
        assertThat(c.getCursor(P, "t", "0", CursorType.OLDEST).getSequence()).isEqualTo(2);
        assertThat(c.getRecords(P, "t", "0", cursor(c, 2), 10).getRecords())
                .extracting(RecordEntry::getSequence)
                .containsExactly(2L);
        // beyond one past the latest, and a time in the future, are out of range too
        assertThatThrownBy(() -> c.getCursor(P, "t", "0", CursorType.SEQUENCE, 4))
                .isInstanceOf(SeekOutOfRangeException.class);
        assertThatThrownBy(
                        () -> c.getCursor(P, "t", "0", CursorType.SYSTEM_TIME, System.currentTimeMillis() + 3_600_000))
                .isInstanceOf(SeekOutOfRangeException.class);
    }

    @ParameterizedTest
    @EnumSource(DataHubProtocol.class)
    void closedShardSealsAfterItsLastRecordAndRefusesWrites(DataHubProtocol protocol) {
        DatahubClient c = SdkClients.client(emulator, protocol);
        String start = cursor(c, 0);
        c.splitShard(P, "t", "0");

        var rest = c.getRecords(P, "t", "0", start, 10);
        assertThat(rest.getRecordCount())
                .as("a CLOSED shard still serves its records")
                .isEqualTo(3);
        assertThatThrownBy(() -> c.getRecords(P, "t", "0", rest.getNextCursor(), 10))
                .isInstanceOf(ShardSealedException.class)
                .satisfies(e ->
                        assertThat(((DatahubClientException) e).getErrorCode()).isEqualTo("InvalidShardOperation"));

        RecordEntry toClosed = blob("late");
        toClosed.setShardId("0");
        assertThatThrownBy(() -> c.putRecords(P, "t", List.of(toClosed))).isInstanceOf(ShardSealedException.class);
        if (protocol == DataHubProtocol.PROTOBUF) {
            assertThatThrownBy(() -> c.putRecordsByShard(P, "t", "0", List.of(blob("late"))))
                    .isInstanceOf(ShardSealedException.class);
        }
        assertThat(emulator.records(P, "t", "0")).hasSize(3);
    }

    @Test
    void wrongSecretUnknownKeyAndMissingStsTokenAreUnauthorized() {
        for (DataHubProtocol protocol : DataHubProtocol.values()) {
            DatahubClient wrongSecret = SdkClients.client(
                    emulator, protocol, new AliyunAccount(DataHubEmulator.TEST_ACCESS_KEY_ID, "not-the-secret"));
            assertThatThrownBy(() -> wrongSecret.getTopic(P, "t"))
                    .isInstanceOf(AuthorizationFailureException.class)
                    .satisfies(e -> assertThat(((DatahubClientException) e).getHttpStatus())
                            .isEqualTo(401))
                    .satisfies(e -> assertThat(e.getMessage())
                            .doesNotContain("not-the-secret")
                            .doesNotContain(DataHubEmulator.TEST_ACCESS_KEY_SECRET));
            assertThatThrownBy(() -> wrongSecret.getRecords(P, "t", "0", "x", 1))
                    .isInstanceOf(AuthorizationFailureException.class);
            DatahubClient unknownKey = SdkClients.client(emulator, protocol, new AliyunAccount("LTAI-other", "s"));
            assertThatThrownBy(() -> unknownKey.listShard(P, "t")).isInstanceOf(AuthorizationFailureException.class);
        }

        emulator.acceptStsCredentials("STS.key", "sts-secret", "token-1");
        DatahubClient sts = SdkClients.client(
                emulator, DataHubProtocol.PROTOBUF, new AliyunAccount("STS.key", "sts-secret", "token-1"));
        assertThat(sts.listShard(P, "t").getShards()).hasSize(1);
        DatahubClient staleToken = SdkClients.client(
                emulator, DataHubProtocol.PROTOBUF, new AliyunAccount("STS.key", "sts-secret", "token-0"));
        assertThatThrownBy(() -> staleToken.listShard(P, "t")).isInstanceOf(AuthorizationFailureException.class);
        DatahubClient noToken =
                SdkClients.client(emulator, DataHubProtocol.PROTOBUF, new AliyunAccount("STS.key", "sts-secret"));
        assertThatThrownBy(() -> noToken.listShard(P, "t")).isInstanceOf(AuthorizationFailureException.class);

        emulator.revokeCredentials("STS.key");
        assertThatThrownBy(() -> sts.listShard(P, "t")).isInstanceOf(AuthorizationFailureException.class);
    }

    @Test
    void anEmulatorWithoutTheTestPairRejectsIt() {
        try (DataHubEmulator strict =
                DataHubEmulator.builder().withoutTestCredentials().start()) {
            strict.createProject(P);
            DatahubClient c = SdkClients.client(strict, DataHubProtocol.JSON);
            assertThatThrownBy(() -> c.listTopic(P)).isInstanceOf(AuthorizationFailureException.class);
            strict.acceptCredentials(DataHubEmulator.TEST_ACCESS_KEY_ID, DataHubEmulator.TEST_ACCESS_KEY_SECRET);
            assertThat(c.listTopic(P).getTopicNames()).isEmpty();
        }
    }

    private static String cursor(DatahubClient c, long sequence) {
        return c.getCursor(P, "t", "0", CursorType.SEQUENCE, sequence).getCursor();
    }
}
