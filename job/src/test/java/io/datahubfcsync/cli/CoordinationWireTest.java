package io.datahubfcsync.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.datahubfcsync.cli.wire.ResumeRequest;
import io.datahubfcsync.cli.wire.ShardStatusRequest;
import io.datahubfcsync.delivery.control.ResumeResponse;
import io.datahubfcsync.delivery.control.ShardState;
import io.datahubfcsync.delivery.control.ShardStatus;
import io.datahubfcsync.delivery.control.ShardStatusResponse;
import java.io.InvalidClassException;
import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The twins against the coordinator's real types (which this test JVM can load, having Flink). */
class CoordinationWireTest {

    @Test
    void aStatusRequestTwinArrivesAsTheCoordinatorsRequestType() {
        Object request = FlinkRestMock.deserialize(CoordinationWire.write(new ShardStatusRequest()));
        assertThat(request).isInstanceOf(io.datahubfcsync.delivery.control.ShardStatusRequest.class);
    }

    @Test
    void aResumeRequestTwinArrivesWithItsShardOrNullForAll() {
        assertThat(FlinkRestMock.deserialize(CoordinationWire.write(new ResumeRequest("7"))))
                .isEqualTo(io.datahubfcsync.delivery.control.ResumeRequest.shard("7"));
        assertThat(FlinkRestMock.deserialize(CoordinationWire.write(new ResumeRequest(null))))
                .isEqualTo(io.datahubfcsync.delivery.control.ResumeRequest.allSuspended());
    }

    @Test
    void theCoordinatorsStatusResponseIsReadIntoItsTwinWithEveryField() throws Exception {
        ShardStatus retrying = new ShardStatus(
                "0",
                1,
                ShardState.RETRYING,
                120,
                99,
                2_400_000,
                12,
                "injected: boom",
                "req-1",
                1_764_578_400_000L,
                List.of(),
                1_764_578_401_000L);
        ShardStatus child = new ShardStatus(
                "3",
                0,
                ShardState.WAITING_FOR_PARENTS,
                5,
                -1,
                0,
                0,
                null,
                null,
                -1,
                List.of("0", "1"),
                1_764_578_401_000L);
        byte[] bytes = FlinkRestMock.serialize(new ShardStatusResponse(List.of(retrying, child), List.of(2)));

        var twin = CoordinationWire.read(bytes, io.datahubfcsync.cli.wire.ShardStatusResponse.class);

        assertThat(twin.shards()).containsExactly(retrying, child);
        assertThat(twin.subtasksNotAnswering()).containsExactly(2);
    }

    @Test
    void theCoordinatorsResumeResponseIsReadIntoItsTwin() throws Exception {
        byte[] bytes = FlinkRestMock.serialize(
                new ResumeResponse(List.of("0", "2"), Map.of("4", ShardState.RUNNING), List.of("9"), List.of()));

        var twin = CoordinationWire.read(bytes, io.datahubfcsync.cli.wire.ResumeResponse.class);

        assertThat(twin.resumed()).containsExactly("0", "2");
        assertThat(twin.notSuspended()).containsExactlyEntriesOf(Map.of("4", ShardState.RUNNING));
        assertThat(twin.unknown()).containsExactly("9");
        assertThat(twin.subtasksNotAnswering()).isEmpty();
    }

    @Test
    void theTwinsHaveTheRealTypesComponents() {
        assertSameComponents(ShardStatusRequest.class, io.datahubfcsync.delivery.control.ShardStatusRequest.class);
        assertSameComponents(ResumeRequest.class, io.datahubfcsync.delivery.control.ResumeRequest.class);
        assertSameComponents(io.datahubfcsync.cli.wire.ShardStatusResponse.class, ShardStatusResponse.class);
        assertSameComponents(io.datahubfcsync.cli.wire.ResumeResponse.class, ResumeResponse.class);
    }

    @Test
    void anAnswerOfAnUnexpectedTypeIsRefused() {
        byte[] bytes = FlinkRestMock.serialize(new ShardStatusResponse(List.of(), List.of()));
        assertThatThrownBy(() -> CoordinationWire.read(bytes, io.datahubfcsync.cli.wire.ResumeResponse.class))
                .isInstanceOf(InvalidClassException.class)
                .hasMessageContaining("expected ResumeResponse");
    }

    @Test
    void classesOutsideTheAnswerTypesAreNotDeserialized() {
        byte[] bytes = FlinkRestMock.serialize(new java.net.InetSocketAddress(80));
        assertThatThrownBy(() -> CoordinationWire.read(bytes, Object.class)).isInstanceOf(InvalidClassException.class);
    }

    private static void assertSameComponents(Class<?> twin, Class<?> real) {
        assertThat(twin.getSimpleName()).isEqualTo(real.getSimpleName());
        assertThat(components(twin))
                .as("record components of " + twin.getName() + " vs " + real.getName())
                .isEqualTo(components(real));
    }

    private static List<String> components(Class<?> record) {
        return Arrays.stream(record.getRecordComponents())
                .map((RecordComponent c) -> c.getGenericType().getTypeName() + " " + c.getName())
                .toList();
    }
}
