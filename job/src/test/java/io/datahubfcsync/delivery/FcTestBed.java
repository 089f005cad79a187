package io.datahubfcsync.delivery;

import io.datahubfcsync.event.ShardRecord;
import io.datahubfcsync.fc.FunctionInvokerFactory;
import io.datahubfcsync.local.fc.FcEmulator;
import io.datahubfcsync.testing.KitConnections;
import io.datahubfcsync.testing.TestRecordSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/** Shared wiring of the delivery MiniCluster tests: the SDK invoker aimed at the FC emulator, configs, sources. */
final class FcTestBed {
    static final String SERVICE = "svc";
    static final String FUNCTION = "fn";

    private FcTestBed() {}

    static FunctionInvokerFactory invokers(FcEmulator fc) {
        return KitConnections.fc(fc, SERVICE, FUNCTION)
                .readTimeout(Duration.ofSeconds(30))
                .build()
                .invokerFactory();
    }

    static DeliveryConfig.Builder config() {
        return DeliveryConfig.builder()
                .source("proj", "topic")
                .region("cn-hangzhou")
                .function(SERVICE, FUNCTION);
    }

    static DataStream<ShardRecord> records(StreamExecutionEnvironment env, TestRecordSource source) {
        return env.fromSource(source, WatermarkStrategy.noWatermarks(), "test records")
                .setParallelism(1)
                .uid("records");
    }

    /** The newest complete retained checkpoint ({@code chk-N} with its {@code _metadata}) under {@code dir}. */
    static Optional<Path> latestCheckpoint(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(p -> p.getFileName().toString().equals("_metadata"))
                    .map(Path::getParent)
                    .filter(p -> p.getFileName().toString().startsWith("chk-"))
                    .max(Comparator.comparingLong(
                            p -> Long.parseLong(p.getFileName().toString().substring(4))));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
