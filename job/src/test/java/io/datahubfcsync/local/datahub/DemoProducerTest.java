package io.datahubfcsync.local.datahub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.aliyun.datahub.client.exception.ResourceNotFoundException;
import io.datahubfcsync.datahub.DataHubProtocol;
import io.datahubfcsync.testing.Await;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DemoProducerTest {

    @Test
    void writesValidTuplesSpreadOverTheShards() {
        try (DataHubEmulator dh = DataHubEmulator.start()) {
            dh.createProject("demo").createTopic("demo", "events", 2, SdkClients.everyTypeSchema());
            long written;
            try (DemoProducer producer =
                    DemoProducer.start(SdkClients.client(dh, DataHubProtocol.PROTOBUF), "demo", "events", 500)) {
                Await.until("60 demo records written", Duration.ofSeconds(20), () -> producer.written() >= 60);
                producer.close();
                written = producer.written();
                assertThat(producer.failed()).isZero();
            }
            List<StoredRecord> all = new ArrayList<>(dh.records("demo", "events", "0"));
            List<StoredRecord> shard1 = dh.records("demo", "events", "1");
            assertThat(all).as("partition keys reach both shards").isNotEmpty();
            assertThat(shard1).isNotEmpty();
            all.addAll(shard1);
            assertThat(all).hasSize((int) written);
            assertThat(all).allSatisfy(r -> assertThat(r.tuple()).hasSize(10));
            assertThat(all).anySatisfy(r -> assertThat(r.tuple().get(0)).isNull()); // NULLs where allowed
            assertThat(all).allSatisfy(r -> assertThat(r.tuple().get(1)).isNotNull()); // f_integer is NOT NULL
        }
    }

    @Test
    void aMissingTopicFailsAtStart() {
        try (DataHubEmulator dh = DataHubEmulator.start()) {
            dh.createProject("demo");
            assertThatThrownBy(
                            () -> DemoProducer.start(SdkClients.client(dh, DataHubProtocol.JSON), "demo", "nope", 10))
                    .isInstanceOf(ResourceNotFoundException.class);
        }
    }
}
