package io.datahubfcsync.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.datahubfcsync.local.datahub.DataHubEmulator;
import io.datahubfcsync.local.function.DemoFunction;
import io.datahubfcsync.testing.LocalKitExtension;
import io.datahubfcsync.testing.TupleSchemas;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The start-up checks against the emulators: each failure is one clear paragraph, never a secret. */
class StartupChecksTest {
    @RegisterExtension
    static final LocalKitExtension KIT = LocalKitExtension.topic("proj", "orders", 2, TupleSchemas.of("v STRING"))
            .function("svc", "fn", new DemoFunction());

    private static final String SECRET = DataHubEmulator.TEST_ACCESS_KEY_SECRET;

    @TempDir
    Path tmp;

    @BeforeAll
    static void deadLetterTopics() {
        KIT.datahub().createTopic("proj", "tuple_dlq", 1, TupleSchemas.of("v STRING"));
        KIT.datahub().createTopic("proj", "blob_dlq", 1, null);
    }

    private String[] args(String... extra) {
        List<String> a = KIT.jobArgs();
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
                        .config()
                        .deadLetterTopic())
                .isEqualTo("blob_dlq");
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
        Files.write(
                file,
                ("access_key_id = " + DataHubEmulator.TEST_ACCESS_KEY_ID + "\naccess_key_secret = " + wrong + "\n")
                        .getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> DataHubFcSyncJob.prepare(args("--credentials.file", file.toString())))
                .isInstanceOf(JobStartupException.class)
                .hasMessageContaining("DataHub check failed")
                .satisfies(e -> assertThat(fullText(e)).doesNotContain(wrong).doesNotContain(SECRET));
    }

    @Test
    void missingCredentialsFileSaysWhatToDo() {
        assertThatThrownBy(() -> DataHubFcSyncJob.prepare(
                        args("--credentials.file", tmp.resolve("absent").toString())))
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
        long callsBefore = KIT.fc().invocations().total();
        assertThatThrownBy(() -> DataHubFcSyncJob.prepare(args("--batch.max-records", "0")))
                .isInstanceOf(JobStartupException.class)
                .hasMessageContaining("--batch.max-records '0' is out of range");
        assertThat(KIT.fc().invocations().total()).isEqualTo(callsBefore);
    }

    private static String fullText(Throwable t) {
        StringBuilder b = new StringBuilder();
        for (Throwable c = t; c != null; c = c.getCause()) b.append(c).append('\n');
        return b.toString();
    }
}
