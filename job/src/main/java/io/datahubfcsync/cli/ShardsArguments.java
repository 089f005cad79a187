package io.datahubfcsync.cli;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The shards command line: {@code --jobmanager <url> --job <job id>} and one of {@code list [--json]},
 * {@code resume <shard>}, {@code resume --all}. Every problem is collected, so one run names them all.
 */
record ShardsArguments(URI jobManager, String jobId, Command command, boolean json, String shard, boolean allShards) {

    enum Command {
        LIST,
        RESUME
    }

    static final String USAGE = String.join(
            "\n",
            "usage: java -cp <job jar> io.datahubfcsync.cli.Shards --jobmanager http://<host>:<port> --job <job id> <command>",
            "commands:",
            "  list [--json]      one row per shard: state, read and delivered sequence, lag, consecutive failures,",
            "                     last error (first line, FC request id, time), parents; --json prints a JSON array",
            "  resume <shard>     ends the shard's suspension: its batch is tried at once with a fresh retry budget",
            "  resume --all       the same for every suspended shard",
            "--jobmanager is the address of the Flink web UI / REST API (rest.port, 8081 by default);",
            "--job is the 32-character job id the web UI and 'flink list' show.");

    private static final Pattern JOB_ID = Pattern.compile("[0-9a-fA-F]{32}");

    static ShardsArguments parse(String... args) throws ShardsException {
        List<String> problems = new ArrayList<>();
        String jobManager = null;
        String jobId = null;
        boolean json = false;
        boolean all = false;
        List<String> positional = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            switch (arg) {
                case "--jobmanager", "--job" -> {
                    if (i + 1 >= args.length || args[i + 1].startsWith("--")) {
                        problems.add(arg + " needs a value");
                    } else if (arg.equals("--job")) {
                        jobId = args[++i];
                    } else {
                        jobManager = args[++i];
                    }
                }
                case "--json" -> json = true;
                case "--all" -> all = true;
                case "--help", "-h" -> throw new ShardsException(ShardsException.USAGE, USAGE);
                default -> {
                    if (arg.startsWith("--")) {
                        problems.add("unknown option " + arg + " (options: --jobmanager, --job, --json, --all)");
                    } else {
                        positional.add(arg);
                    }
                }
            }
        }
        URI jobManagerUri = null;
        if (jobManager == null) {
            if (problems.stream().noneMatch(p -> p.startsWith("--jobmanager"))) {
                problems.add("--jobmanager is missing: the Flink REST address, e.g. http://jobmanager:8081");
            }
        } else {
            jobManagerUri = jobManagerUri(jobManager, problems);
        }
        if (jobId == null) {
            if (problems.stream().noneMatch(p -> p.startsWith("--job "))) {
                problems.add("--job is missing: the job id the web UI and 'flink list' show");
            }
        } else if (!JOB_ID.matcher(jobId).matches()) {
            problems.add("--job '" + jobId + "' is not a job id: 32 hexadecimal characters, as 'flink list' shows");
        }
        Command command = null;
        String shard = null;
        if (positional.isEmpty()) {
            problems.add("no command: list or resume");
        } else {
            String word = positional.get(0).toLowerCase(Locale.ROOT);
            List<String> rest = positional.subList(1, positional.size());
            if (word.equals("list")) {
                command = Command.LIST;
                if (all) problems.add("--all belongs to resume, not list");
                if (!rest.isEmpty()) problems.add("list takes no argument, got " + rest);
            } else if (word.equals("resume")) {
                command = Command.RESUME;
                if (json) problems.add("--json belongs to list, not resume");
                if (all && !rest.isEmpty()) {
                    problems.add("resume takes a shard id or --all, not both");
                } else if (!all && rest.isEmpty()) {
                    problems.add("resume needs a shard id (as 'list' shows it) or --all");
                } else if (rest.size() > 1) {
                    problems.add("resume takes one shard id, got " + rest + " (use --all for every suspended shard)");
                } else if (!all) {
                    shard = rest.get(0);
                }
            } else {
                problems.add("unknown command '" + positional.get(0) + "': list or resume");
            }
        }
        if (!problems.isEmpty()) {
            throw new ShardsException(ShardsException.USAGE, String.join("\n", problems) + "\n" + USAGE);
        }
        return new ShardsArguments(jobManagerUri, jobId.toLowerCase(Locale.ROOT), command, json, shard, all);
    }

    private static URI jobManagerUri(String value, List<String> problems) {
        try {
            URI uri = URI.create(value);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
                problems.add("--jobmanager '" + value + "' is not an http(s) address like http://jobmanager:8081");
                return null;
            }
            return uri;
        } catch (IllegalArgumentException e) {
            problems.add("--jobmanager '" + value + "' is not an http(s) address like http://jobmanager:8081");
            return null;
        }
    }
}
