package io.datahubfcsync;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.aliyun.datahub.client.DatahubClient;
import com.aliyun.datahub.client.model.BlobRecordData;
import com.aliyun.datahub.client.model.CursorType;
import com.aliyun.datahub.client.model.GetRecordsResult;
import com.aliyun.datahub.client.model.RecordEntry;
import com.aliyun.fc.runtime.StreamRequestHandler;
import io.datahubfcsync.credentials.CredentialsSource;
import io.datahubfcsync.datahub.DataHubConnection;
import io.datahubfcsync.datahub.DataHubProtocol;
import io.datahubfcsync.fc.FcConnection;
import io.datahubfcsync.fc.FunctionInvoker;
import io.datahubfcsync.fc.InvocationResult;
import io.datahubfcsync.local.datahub.DataHubAction;
import io.datahubfcsync.local.datahub.DataHubEmulator;
import io.datahubfcsync.local.fc.FcEmulator;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Proves the pom's dependency fixes hold: a Flink 2.3 MiniCluster starts with the full classpath
 * (DataHub SDK with its commons-io/lang3/lz4/log4j traps fixed, protobuf 3, the FC 2.0 SDK and
 * Gson, the FC 3.0 SDK with its Tea runtime on the DataHub SDK's okhttp 3.14, BouncyCastle and
 * dom4j, the Alibaba Cloud credentials library), and inside a running task the real SDKs work,
 * DataHub in protobuf mode and both FC APIs over HTTP, against the emulators, with credentials from
 * the environment as on a cluster.
 */
class DependencySetITCase {
    private static final String PROJECT = "dep_check";
    private static final String TOPIC = "events";

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER =
            new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
                    .setNumberTaskManagers(1)
                    .setNumberSlotsPerTaskManager(2)
                    .build());

    @Test
    void aFlinkJobReadsDataHubAndInvokesFunctionComputeThroughTheRealSdks() throws Exception {
        try (DataHubEmulator dataHub = DataHubEmulator.start();
                FcEmulator fc = FcEmulator.start()) {
            dataHub.createProject(PROJECT).createTopic(PROJECT, TOPIC, 3, null);
            for (int shard = 0; shard < 3; shard++) {
                for (int i = 0; i < 4; i++) {
                    dataHub.appendBlob(PROJECT, TOPIC, String.valueOf(shard), ("s" + shard + "-r" + i).getBytes(UTF_8));
                }
            }
            StreamRequestHandler echo = (in, out, context) -> out.write(in.readAllBytes());
            fc.deployFunction("svc", "fn", echo);
            fc.deployFunction3("fn3", echo);

            DataHubConnection dh = new DataHubConnection(
                    dataHub.endpoint(), DataHubProtocol.PROTOBUF, CredentialsSource.fromEnvironment());
            FcConnection fcConnection = FcConnection.builder()
                    .endpoint(fc.endpoint())
                    .accountId(fc.accountId())
                    .region(fc.region())
                    .service("svc")
                    .function("fn")
                    .credentials(CredentialsSource.fromEnvironment())
                    .build();
            FcConnection fc3Connection = FcConnection.builder()
                    .endpoint(fc.endpoint())
                    .accountId(fc.accountId())
                    .region(fc.region())
                    .function("fn3")
                    .credentials(CredentialsSource.fromEnvironment())
                    .build();

            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
            env.setParallelism(2);
            List<String> results = env.fromData("0", "1", "2")
                    .map(new ForwardShard(dh, fcConnection, fc3Connection))
                    .executeAndCollect(10);

            assertThat(results)
                    .containsExactlyInAnyOrder("0:4:SUCCESS:SUCCESS", "1:4:SUCCESS:SUCCESS", "2:4:SUCCESS:SUCCESS");
            assertThat(fc.invocations().total()).isEqualTo(6);
            assertThat(fc.invocations().of("svc", "fn"))
                    .extracting(r -> r.payloadUtf8())
                    .contains("s1-r0,s1-r1,s1-r2,s1-r3");
            assertThat(fc.invocations().of(null, "fn3"))
                    .as("through the FC 3.0 API")
                    .extracting(r -> r.payloadUtf8())
                    .contains("s1-r0,s1-r1,s1-r2,s1-r3");
            assertThat(dataHub.calls().of(DataHubAction.GET_RECORDS)).isEqualTo(3);
        }
    }

    /** Reads one shard through the DataHub SDK and sends its records to FC 2.0 and FC 3.0 as one comma-joined payload. */
    private static final class ForwardShard extends RichMapFunction<String, String> {
        private static final long serialVersionUID = 1L;
        private final DataHubConnection dataHub;
        private final FcConnection fc;
        private final FcConnection fc3;
        private transient DatahubClient client;
        private transient FunctionInvoker invoker;
        private transient FunctionInvoker invoker3;

        ForwardShard(DataHubConnection dataHub, FcConnection fc, FcConnection fc3) {
            this.dataHub = dataHub;
            this.fc = fc;
            this.fc3 = fc3;
        }

        @Override
        public void open(OpenContext openContext) {
            client = dataHub.createSdkClient();
            invoker = fc.invokerFactory().create();
            invoker3 = fc3.invokerFactory().create();
        }

        @Override
        public String map(String shardId) {
            String cursor =
                    client.getCursor(PROJECT, TOPIC, shardId, CursorType.OLDEST).getCursor();
            GetRecordsResult page = client.getRecords(PROJECT, TOPIC, shardId, cursor, 100);
            List<String> data = new ArrayList<>();
            for (RecordEntry e : page.getRecords()) {
                data.add(new String(((BlobRecordData) e.getRecordData()).getData(), UTF_8));
            }
            byte[] event = String.join(",", data).getBytes(UTF_8);
            InvocationResult result = invoker.invoke(event);
            InvocationResult result3 = invoker3.invoke(event);
            return shardId + ":" + data.size() + ":" + result.outcome() + ":" + result3.outcome()
                    + (result3.isSuccess() ? "" : " " + result3.describe());
        }

        @Override
        public void close() {
            if (invoker != null) invoker.close();
            if (invoker3 != null) invoker3.close();
        }
    }
}
