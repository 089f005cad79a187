package io.datahubfcsync.cli;

import io.datahubfcsync.cli.wire.ResumeRequest;
import io.datahubfcsync.cli.wire.ResumeResponse;
import io.datahubfcsync.cli.wire.ShardStatusResponse;
import java.io.PrintStream;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The shards command: per-shard status and resume of suspended shards of a running job, through the
 * JobManager's REST API (the delivery operator's coordinator answers). Runs with the job jar alone:
 * {@code java -cp <job jar> io.datahubfcsync.cli.Shards --jobmanager http://<host>:<port> --job <id> list}.
 * Exit codes: 0 done, 1 the JobManager or job could not answer (one line on stderr), 2 wrong
 * arguments, 3 some subtasks did not answer (their shards are missing from the answer).
 */
public final class Shards {

    static final int OK = 0;
    static final int PARTIAL = 3;
    /** A shard named by {@code resume} that no subtask holds. */
    static final int UNKNOWN_SHARD = 1;

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    /** The coordinator asks every subtask; a busy job answers within seconds, this is the give-up point. */
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);

    private final Function<URI, JobManagerClient> clients;

    Shards(Function<URI, JobManagerClient> clients) {
        this.clients = clients;
    }

    public static void main(String[] args) {
        int exit = new Shards(uri -> new JobManagerClient(uri, CONNECT_TIMEOUT, REQUEST_TIMEOUT))
                .run(args, System.out, System.err);
        System.exit(exit);
    }

    int run(String[] args, PrintStream out, PrintStream err) {
        try {
            ShardsArguments arguments = ShardsArguments.parse(args);
            JobManagerClient client = clients.apply(arguments.jobManager());
            client.requireRunning(arguments.jobId());
            return switch (arguments.command()) {
                case LIST -> list(client, arguments, out, err);
                case RESUME -> resume(client, arguments, out, err);
            };
        } catch (ShardsException e) {
            err.println(e.exitCode() == ShardsException.USAGE ? e.getMessage() : "shards: " + e.getMessage());
            return e.exitCode();
        }
    }

    private static int list(JobManagerClient client, ShardsArguments arguments, PrintStream out, PrintStream err)
            throws ShardsException {
        ShardStatusResponse answer = client.shardStatus(arguments.jobId());
        out.print(arguments.json() ? ShardTable.json(answer.shards()) : ShardTable.text(answer.shards()));
        return warnAboutSilentSubtasks(answer.subtasksNotAnswering(), err);
    }

    private static int resume(JobManagerClient client, ShardsArguments arguments, PrintStream out, PrintStream err)
            throws ShardsException {
        ResumeRequest request = new ResumeRequest(arguments.allShards() ? null : arguments.shard());
        ResumeResponse answer = client.resume(arguments.jobId(), request);
        List<String> lines = new ArrayList<>();
        if (!answer.resumed().isEmpty()) {
            lines.add("resumed "
                    + (answer.resumed().size() == 1
                            ? "shard "
                            : answer.resumed().size() + " shards: ") + String.join(", ", answer.resumed())
                    + " (the batch is tried at once, with a fresh retry budget)");
        }
        answer.notSuspended()
                .forEach((shard, state) ->
                        lines.add("shard " + shard + " is " + state.key() + ", not suspended: nothing changed"));
        if (lines.isEmpty() && answer.unknown().isEmpty()) {
            lines.add("no shard is suspended: nothing changed");
        }
        lines.forEach(out::println);
        if (!answer.unknown().isEmpty()) {
            err.println("shards: no subtask of job " + arguments.jobId() + " holds shard "
                    + String.join(", ", answer.unknown()) + ": 'list' shows the job's shards");
            return UNKNOWN_SHARD;
        }
        return warnAboutSilentSubtasks(answer.subtasksNotAnswering(), err);
    }

    private static int warnAboutSilentSubtasks(List<Integer> silent, PrintStream err) {
        if (silent.isEmpty()) {
            return OK;
        }
        err.println("shards: subtasks " + silent + " of the delivery operator did not answer in time; their shards are "
                + "missing above (a subtask being restored or overloaded): try again");
        return PARTIAL;
    }
}
