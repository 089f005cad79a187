package io.datahubfcsync.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.aliyun.datahub.client.model.Field;
import com.aliyun.datahub.client.model.FieldType;
import com.aliyun.datahub.client.model.RecordSchema;
import io.datahubfcsync.local.datahub.DataHubEmulator;
import io.datahubfcsync.local.fc.FcEmulator;
import io.datahubfcsync.local.function.DemoFunction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The start-up checks against the emulators: each failure is one clear paragraph, never a secret. */
class StartupChecksTest {
    private static final String SECRET = DataHubEmulator.TEST_ACCESS_KEY_SECRET;
    private static DataHubEmulator datahub;
    private static FcEmulator fc;

    @TempDir
    Path tmp;

    @BeforeAll
    static void startKit() {
        datahub = DataHubEmulator.start();
        datahub.createProject("proj");
        RecordSchema schema = new RecordSchema();
        schema.addField(new Field("v", FieldType.STRING));
        datahub.createTopic("proj", "orders", 2, schema);
        datahub.createTopic("proj", "tuple_dlq", 1, schema);
        datahub.createTopic("proj", "blob_dlq", 1, null);
        fc = FcEmulator.start();
        fc.createService("svc");
        fc.deployFunction("svc", "fn", new DemoFunction());
    }

    @AfterAll
    static void stopKit() {
        fc.close();
        datahub.close();
    }

    private String[] args(String... extra) {
        List<String> a = new ArrayList<>(List.of(
                "--datahub.endpoint", datahub.endpoint(), "--datahub.project", "proj", "--datahub.topic", "orders",
                "--fc.endpoint", fc.endpoint(), "--fc.account-id", fc.accountId(), "--region", fc.region(),
                "--fc.service", "svc", "--fc.function", "fn"));
        for (int i = 0; i < extra.length; i += 2) {
            int at = a.indexOf(extra[i]);
            if (at >= 0) a.set(at + 1, extra[i + 1]);
            else a.addAll(Arrays.asList(extra[i], extra[i + 1]));
        }
        return a.toArray(new String[0]);
    }

    @Test
    void passesWhenTopicAndFunctionExist() {
        JobPlan plan = DataHubFcSyncJob.prepare(args());
        assertThat(plan.jobName()).isEqualTo("datahub-fc-sync proj/orders -> svc/fn");
        assertThat(DataHubFcSyncJob.prepare(args("--on-exhausted", "dead-letter", "--dead-letter.topic", "blob_dlq"))
                .config().deadLetterTopic()).isEqualTo("blob_dlq");
    }

    @Test
    void missingTopicIsNamed() {
        assertThatThrownBy(() -> DataHubFcSyncJob.prepare(args("--datahub.topic", "nope")))
                .isInstanceOf(JobStartupException.class)
                .hasMessageContaining("datahub.topic=nope")
                .hasMessageNotContaining(SECRET);
    }

    @Test
    void missingFunctionAndServiceAreNamed() {
        assertThatThrownBy(() -> DataHubFcSyncJob.prepare(args("--fc.function", "nofn")))
                .isInstanceOf(JobStartupException.class)
                .hasMessageContaining("'nofn' does not exist in service 'svc'");
        assertThatThrownBy(() -> DataHubFcSyncJob.prepare(args("--fc.service", "nosvc")))
                .isInstanceOf(JobStartupException.class)
                .hasMessageContaining("'nosvc' does not exist");
    }

    @Test
    void wrongSecretIsRejectedWithoutShowingIt() throws Exception {
        Path file = tmp.resolve("credentials");
        String wrong = "wrong-secret-0123456789";
        Files.write(file, ("access_key_id = " + DataHubEmulator.TEST_ACCESS_KEY_ID + "\naccess_key_secret = " + wrong
                + "\n").getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> DataHubFcSyncJob.prepare(args("--credentials.file", file.toString())))
                .isInstanceOf(JobStartupException.class)
                .hasMessageContaining("DataHub check failed")
                .satisfies(e -> assertThat(fullText(e)).doesNotContain(wrong).doesNotContain(SECRET));
    }

    @Test
    void missingCredentialsFileSaysWhatToDo() {
        assertThatThrownBy(() -> DataHubFcSyncJob.prepare(args("--credentials.file", tmp.resolve("absent").toString())))
                .isInstanceOf(JobStartupException.class)
                .hasMessageContaining("does not exist");
    }

    @Test
    void deadLetterTopicMustBeBlob() {
        assertThatThrownBy(() -> DataHubFcSyncJob.prepare(
                args("--on-exhausted", "dead-letter", "--dead-letter.topic", "tuple_dlq")))
                .isInstanceOf(JobStartupException.class)
                .hasMessageContaining("dead-letter.topic=tuple_dlq is a TUPLE topic");
    }

    @Test
    void badParametersFailBeforeAnyCall() {
        long callsBefore = fc.invocations().total();
        assertThatThrownBy(() -> DataHubFcSyncJob.prepare(args("--batch.max-records", "0")))
                .isInstanceOf(JobStartupException.class)
                .hasMessageContaining("--batch.max-records '0' is out of range");
        assertThat(fc.invocations().total()).isEqualTo(callsBefore);
    }

    private static String fullText(Throwable t) {
        StringBuilder b = new StringBuilder();
        for (Throwable c = t; c != null; c = c.getCause()) b.append(c).append('\n');
        return b.toString();
    }
}
