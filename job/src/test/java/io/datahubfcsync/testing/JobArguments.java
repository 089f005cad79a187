package io.datahubfcsync.testing;

import io.datahubfcsync.local.datahub.DataHubEmulator;
import io.datahubfcsync.local.fc.FcEmulator;
import java.util.ArrayList;
import java.util.List;

/** The job's {@code --key value} arguments for tests: aimed at the emulators, and varied one thing at a time. */
public final class JobArguments {
    private JobArguments() {}

    /**
     * The arguments that point the job at the emulators: DataHub {@code project/topic} and the FC 2.0
     * {@code service/function} in the emulator's region, then {@code more} as they are.
     */
    public static List<String> pointedAt(
            DataHubEmulator datahub,
            FcEmulator fc,
            String project,
            String topic,
            String service,
            String function,
            String... more) {
        List<String> args = new ArrayList<>(List.of(
                "--datahub.endpoint",
                datahub.endpoint(),
                "--datahub.project",
                project,
                "--datahub.topic",
                topic,
                "--fc.endpoint",
                fc.endpoint(),
                "--fc.account-id",
                fc.accountId(),
                "--region",
                fc.region(),
                "--fc.service",
                service,
                "--fc.function",
                function));
        args.addAll(List.of(more));
        return args;
    }

    public static List<String> with(List<String> args, String... extra) {
        List<String> a = new ArrayList<>(args);
        a.addAll(List.of(extra));
        return a;
    }

    public static List<String> replacing(List<String> args, String key, String value) {
        List<String> a = new ArrayList<>(args);
        int i = indexOf(a, key);
        a.set(i + 1, value);
        return a;
    }

    public static List<String> without(List<String> args, String key) {
        List<String> a = new ArrayList<>(args);
        int i = indexOf(a, key);
        a.remove(i + 1);
        a.remove(i);
        return a;
    }

    private static int indexOf(List<String> args, String key) {
        int i = args.indexOf(key);
        if (i < 0 || i + 1 >= args.size()) throw new IllegalArgumentException("no " + key + " with a value in " + args);
        return i;
    }
}
