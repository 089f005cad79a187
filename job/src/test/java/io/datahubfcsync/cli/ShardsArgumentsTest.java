package io.datahubfcsync.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.net.URI;
import org.junit.jupiter.api.Test;

class ShardsArgumentsTest {

    private static final String JOB = "0123456789abcdef0123456789ABCDEF";

    @Test
    void listWithJsonParses() throws Exception {
        ShardsArguments a = ShardsArguments.parse("--jobmanager", "http://jm:8081", "--job", JOB, "list", "--json");
        assertThat(a.command()).isEqualTo(ShardsArguments.Command.LIST);
        assertThat(a.json()).isTrue();
        assertThat(a.jobManager()).isEqualTo(URI.create("http://jm:8081"));
        assertThat(a.jobId()).as("lower case, as Flink's REST paths use it").isEqualTo(JOB.toLowerCase());
    }

    @Test
    void resumeTakesOneShardOrAll() throws Exception {
        assertThat(ShardsArguments.parse("--jobmanager", "http://jm:8081", "--job", JOB, "resume", "3")
                        .shard())
                .isEqualTo("3");
        ShardsArguments all = ShardsArguments.parse("resume", "--all", "--job", JOB, "--jobmanager", "https://jm");
        assertThat(all.allShards()).isTrue();
        assertThat(all.shard()).isNull();
    }

    @Test
    void everyProblemIsNamedAtOnceWithTheUsage() {
        ShardsException e = catchThrowableOfType(
                ShardsException.class,
                () -> ShardsArguments.parse("--jobmanager", "jm:8081", "--job", "42", "resume", "--verbose"));
        assertThat(e.exitCode()).isEqualTo(ShardsException.USAGE);
        assertThat(e.getMessage())
                .contains("--jobmanager 'jm:8081' is not an http(s) address like http://jobmanager:8081")
                .contains("--job '42' is not a job id: 32 hexadecimal characters")
                .contains("unknown option --verbose")
                .contains("resume needs a shard id (as 'list' shows it) or --all")
                .contains("usage: java -cp <job jar> io.datahubfcsync.cli.Shards");
    }

    @Test
    void missingOptionsAndCommandAreNamed() {
        ShardsException e = catchThrowableOfType(ShardsException.class, ShardsArguments::parse);
        assertThat(e.getMessage())
                .contains("--jobmanager is missing")
                .contains("--job is missing")
                .contains("no command: list or resume");
    }

    @Test
    void optionsOfTheOtherCommandAreRejected() {
        assertThat(catchThrowableOfType(
                                ShardsException.class,
                                () -> ShardsArguments.parse("--jobmanager", "http://jm", "--job", JOB, "list", "--all"))
                        .getMessage())
                .contains("--all belongs to resume, not list");
        assertThat(catchThrowableOfType(
                                ShardsException.class,
                                () -> ShardsArguments.parse(
                                        "--jobmanager", "http://jm", "--job", JOB, "resume", "1", "--all"))
                        .getMessage())
                .contains("resume takes a shard id or --all, not both");
        assertThat(catchThrowableOfType(
                                ShardsException.class,
                                () -> ShardsArguments.parse("--jobmanager", "http://jm", "--job", JOB, "stop"))
                        .getMessage())
                .contains("unknown command 'stop': list or resume");
    }
}
