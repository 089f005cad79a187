package io.datahubfcsync.cluster;

import java.util.ArrayList;
import java.util.List;

/** Variations of a job's {@code --key value} argument list, for tests that submit it with one thing changed. */
final class JobArgs {
    private JobArgs() {}

    static List<String> with(List<String> args, String... extra) {
        List<String> a = new ArrayList<>(args);
        a.addAll(List.of(extra));
        return a;
    }

    static List<String> replacing(List<String> args, String key, String value) {
        List<String> a = new ArrayList<>(args);
        int i = indexOf(a, key);
        a.set(i + 1, value);
        return a;
    }

    static List<String> without(List<String> args, String key) {
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
