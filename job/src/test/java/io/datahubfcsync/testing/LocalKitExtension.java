package io.datahubfcsync.testing;

import com.aliyun.datahub.client.model.RecordSchema;
import com.aliyun.fc.runtime.StreamRequestHandler;
import io.datahubfcsync.local.datahub.DataHubEmulator;
import io.datahubfcsync.local.fc.FcEmulator;
import java.util.List;

/**
 * The DataHub emulator with one project and topic and the FC emulator with one FC 2.0 function,
 * for {@code @RegisterExtension}: in an instance field a fresh pair for each test, in a static
 * field one pair for the whole class. The job the test runs talks to both through the real SDKs.
 */
public final class LocalKitExtension extends ClassOrTestScope {
    private final String project;
    private final String topic;
    private final int shards;
    private final RecordSchema schema;
    private String service = "svc";
    private String function = "fn";
    private StreamRequestHandler handler;
    private DataHubEmulator.Builder dataHubSettings = DataHubEmulator.builder();
    private FcEmulator.Builder fcSettings = FcEmulator.builder();
    private DataHubEmulator datahub;
    private FcEmulator fc;

    private LocalKitExtension(String project, String topic, int shards, RecordSchema schema) {
        this.project = project;
        this.topic = topic;
        this.shards = shards;
        this.schema = schema;
    }

    /** @param schema the topic's TUPLE schema, or null for a BLOB topic */
    public static LocalKitExtension topic(String project, String topic, int shards, RecordSchema schema) {
        return new LocalKitExtension(project, topic, shards, schema);
    }

    public LocalKitExtension function(String service, String function, StreamRequestHandler handler) {
        this.service = service;
        this.function = function;
        this.handler = handler;
        return this;
    }

    /** Settings of the DataHub emulator, such as its clock. */
    public LocalKitExtension dataHub(DataHubEmulator.Builder settings) {
        this.dataHubSettings = settings;
        return this;
    }

    /** Settings of the FC emulator, such as its region. */
    public LocalKitExtension fc(FcEmulator.Builder settings) {
        this.fcSettings = settings;
        return this;
    }

    public DataHubEmulator datahub() {
        if (datahub == null) throw new IllegalStateException("the emulators run only while a test does");
        return datahub;
    }

    public FcEmulator fc() {
        if (fc == null) throw new IllegalStateException("the emulators run only while a test does");
        return fc;
    }

    /** The job's arguments for this topic and function, then {@code more}. */
    public List<String> jobArgs(String... more) {
        return JobArguments.pointedAt(datahub(), fc(), project, topic, service, function, more);
    }

    @Override
    void start() {
        if (handler == null) throw new IllegalStateException("no function deployed: call function(...)");
        datahub = dataHubSettings.start();
        datahub.createProject(project);
        datahub.createTopic(project, topic, shards, schema);
        fc = fcSettings.start();
        fc.createService(service);
        fc.deployFunction(service, function, handler);
    }

    @Override
    void stop() {
        try {
            if (fc != null) fc.close();
        } finally {
            if (datahub != null) datahub.close();
            fc = null;
            datahub = null;
        }
    }
}
