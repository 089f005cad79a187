package io.datahubfcsync.local.function;

import static org.assertj.core.api.Assertions.assertThat;

import io.datahubfcsync.fc.FunctionInvoker;
import io.datahubfcsync.fc.InvocationOutcome;
import io.datahubfcsync.fc.InvocationResult;
import io.datahubfcsync.local.fc.FcEmulator;
import io.datahubfcsync.testing.KitConnections;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The demo function hosted by the FC emulator and called through the project's invoker. */
class DemoFunctionTest {
    private FcEmulator fc;
    private DemoFunction demo;
    private FunctionInvoker invoker;

    @BeforeEach
    void start() {
        fc = FcEmulator.start();
        demo = new DemoFunction();
        fc.deployFunction("demo", "events", demo);
        invoker =
                KitConnections.fc(fc, "demo", "events").build().invokerFactory().create();
    }

    @AfterEach
    void stop() {
        invoker.close();
        fc.close();
    }

    private InvocationResult send(String shard, long... sequences) {
        StringBuilder sb = new StringBuilder("{\"eventSource\":\"acs:datahub\",\"eventName\":\"acs:datahub:putRecord\","
                + "\"eventSourceARN\":\"/projects/p/topics/t\",\"region\":\"cn-hangzhou\",\"records\":[");
        for (int i = 0; i < sequences.length; i++) {
            if (i > 0) sb.append(',');
            sb.append("{\"eventId\":\"")
                    .append(shard)
                    .append(':')
                    .append(sequences[i])
                    .append("\",\"systemTime\":")
                    .append(1_700_000_000_000L + sequences[i])
                    .append(",\"data\":\"[\\\"v\\\"]\"}");
        }
        return invoker.invoke(sb.append("]}").toString().getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void countsRecordsPerShardInOrder() {
        assertThat(send("0", 0, 1, 2).isSuccess()).isTrue();
        assertThat(send("1", 5, 6).isSuccess()).isTrue();
        assertThat(send("0", 3).isSuccess()).isTrue();

        assertThat(demo.summary().get("0")).isEqualTo(new DemoFunction.ShardSummary(4, 3, 1_700_000_000_003L, 0, 0, 0));
        assertThat(demo.summary().get("1").records()).isEqualTo(2);
        assertThat(demo.summaryLine())
                .isEqualTo("0: 4 (last 0:3) | 1: 2 (last 1:6) | gaps 0, reorders 0, replayed records 0");
        assertThat(fc.invocations().all().get(0).requestId()).isNotNull();
    }

    @Test
    void flagsGapsReordersAndCountsReplays() {
        send("0", 0, 1, 2);
        send("0", 1, 2); // re-sent batch after a failover
        send("0", 5); // 3 and 4 missing
        send("0", 7, 6); // out of order inside one event

        DemoFunction.ShardSummary s = demo.summary().get("0");
        assertThat(s.replayedRecords()).isEqualTo(2);
        assertThat(s.gaps()).isEqualTo(2); // 5 after 2, then 7 after 5
        assertThat(s.reorders()).isEqualTo(1);
        assertThat(s.lastSequence()).isEqualTo(7);
    }

    @Test
    void somethingThatIsNotAnEventIsAFunctionError() {
        InvocationResult r = invoker.invoke("{\"hello\":1}".getBytes(StandardCharsets.UTF_8));

        assertThat(r.outcome()).isEqualTo(InvocationOutcome.FUNCTION_ERROR);
        assertThat(r.errorMessage()).isEqualTo("not a DataHub event: no \"records\" array");
    }
}
