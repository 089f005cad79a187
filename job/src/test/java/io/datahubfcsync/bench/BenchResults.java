package io.datahubfcsync.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.datahubfcsync.testing.RepoFiles;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Collects a benchmark's figures, prints them, and writes {@code bench/results/<benchmark>.json}:
 * one object per figure with {@code name, value, unit, target, command, machine}.
 */
final class BenchResults {
    private final String benchmark;
    private final String command;
    private final String machine = describeMachine();
    private final List<Map<String, Object>> figures = new ArrayList<>();

    BenchResults(String benchmark, String command) {
        // a run with extra job parameters is a comparison, kept apart from the benchmark's own figures
        String extra = String.join(",", BenchKit.EXTRA_JOB_ARGS);
        this.benchmark = extra.isEmpty() ? benchmark : benchmark + "-with" + extra.replaceAll("[^A-Za-z0-9]+", "-");
        this.command = extra.isEmpty() ? command : command + " -Dbench.jvm.args=-Dbench.job.args=" + extra;
        System.out.println("== " + benchmark + " on " + machine);
    }

    void add(String name, double value, String unit, String target) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("name", name);
        f.put("value", Math.round(value * 100) / 100.0);
        f.put("unit", unit);
        f.put("target", target);
        f.put("command", command);
        f.put("machine", machine);
        figures.add(f);
        System.out.printf("FIGURE %-48s %12.2f %-10s target: %s%n", name, value, unit, target);
    }

    void write() throws IOException {
        Path out = RepoFiles.resolve("bench", "results", benchmark + ".json");
        Files.createDirectories(out.getParent());
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(out.toFile(), figures);
        System.out.println("wrote " + out);
    }

    static String describeMachine() {
        double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        long memGiB = 0;
        try {
            for (String line : Files.readAllLines(Paths.get("/proc/meminfo"))) {
                if (line.startsWith("MemTotal:"))
                    memGiB = Math.round(Long.parseLong(line.replaceAll("\\D", "")) / 1024.0 / 1024.0);
            }
        } catch (IOException | RuntimeException ignored) {
            // not Linux: leave it out
        }
        return String.format(
                "%d cores, %d GiB, %s %s, %s, load average %.2f at start",
                Runtime.getRuntime().availableProcessors(),
                memGiB,
                System.getProperty("java.vm.name"),
                System.getProperty("java.version"),
                System.getProperty("os.name") + " " + System.getProperty("os.arch"),
                load);
    }
}
