package io.datahubfcsync.job;

import static org.assertj.core.api.Assertions.assertThat;

import com.aliyun.datahub.client.model.Field;
import com.aliyun.datahub.client.model.FieldType;
import com.aliyun.datahub.client.model.RecordSchema;
import io.datahubfcsync.testing.DataHubEmulatorExtension;
import java.time.Duration;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExecutionOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * How long a partly filled buffer of the source's output waits before it is sent on to delivery, in
 * the job graph as built (the source resolves its start against the DataHub emulator).
 */
class SourceBufferTimeoutTest {
    @RegisterExtension
    static final DataHubEmulatorExtension DATAHUB = DataHubEmulatorExtension.withProject("proj");

    @BeforeAll
    static void createTopic() {
        RecordSchema schema = new RecordSchema();
        schema.addField(new Field("id", FieldType.BIGINT));
        DATAHUB.emulator().createTopic("proj", "orders", 1, schema);
    }

    private static long sourceBufferTimeout(Configuration flink) {
        String[] args = {
            "--datahub.endpoint", DATAHUB.emulator().endpoint(), "--datahub.project", "proj", "--datahub.topic",
                    "orders",
            "--fc.endpoint", "http://127.0.0.1:2", "--fc.account-id", "1234567890123456", "--region", "cn-hangzhou",
            "--fc.service", "svc", "--fc.function", "fn"
        };
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(flink);
        DataHubFcSyncJob.build(env, JobPlan.of(JobConfig.fromArgs(args)));
        return env.getStreamGraph().getStreamNodes().stream()
                .filter(n -> n.getOperatorName().contains("DataHub source"))
                .mapToLong(StreamNode::getBufferTimeout)
                .findFirst()
                .orElseThrow();
    }

    @Test
    void theSourceSendsPartlyFilledBuffersAfterFiveMillisecondsByDefault() {
        assertThat(sourceBufferTimeout(new Configuration())).isEqualTo(DataHubFcSyncJob.SOURCE_BUFFER_TIMEOUT_MS);
    }

    @Test
    void aConfiguredExecutionBufferTimeoutIsKept() {
        Configuration flink = new Configuration();
        flink.set(ExecutionOptions.BUFFER_TIMEOUT, Duration.ofMillis(50));
        assertThat(sourceBufferTimeout(flink)).isEqualTo(50);
    }
}
