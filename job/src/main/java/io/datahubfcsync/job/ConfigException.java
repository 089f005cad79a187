package io.datahubfcsync.job;

import java.util.List;

/**
 * The job parameters are wrong. The message is meant for the person who typed them: every problem
 * on its own line, naming the key, the bad value and what is allowed.
 */
public final class ConfigException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final List<String> problems;

    public ConfigException(List<String> problems) {
        super(format(problems));
        this.problems = List.copyOf(problems);
    }

    public ConfigException(String problem) {
        this(List.of(problem));
    }

    public List<String> problems() {
        return problems;
    }

    private static String format(List<String> problems) {
        if (problems.size() == 1) return "Invalid job parameters: " + problems.get(0);
        StringBuilder b = new StringBuilder("Invalid job parameters (" + problems.size() + " problems):");
        for (String p : problems) b.append("\n  - ").append(p);
        return b.toString();
    }
}
