package io.datahubfcsync.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.datahubfcsync.delivery.control.ShardStatus;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/** {@code list}'s output: a text table for people, or a JSON array with the same fields for scripts. */
final class ShardTable {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final String[] HEADER = {
        "SHARD", "STATE", "READ", "DELIVERED", "LAG", "FAILURES", "PARENTS", "LAST ERROR"
    };

    private ShardTable() {}

    static String text(List<ShardStatus> shards) {
        List<String[]> rows = new ArrayList<>();
        rows.add(HEADER);
        for (ShardStatus s : shards) {
            rows.add(new String[] {
                s.shardId(),
                s.state().key(),
                sequence(s.readSequence()),
                sequence(s.deliveredSequence()),
                duration(s.millisBehindLatest()),
                String.valueOf(s.consecutiveFailures()),
                s.parents().isEmpty() ? "-" : String.join(",", s.parents()),
                lastError(s)
            });
        }
        int[] widths = new int[HEADER.length];
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        StringBuilder out = new StringBuilder();
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.length; i++) {
                line.append(i == row.length - 1 ? row[i] : pad(row[i], widths[i] + 2));
            }
            out.append(line.toString().stripTrailing()).append('\n');
        }
        return out.toString();
    }

    /** Fields: shard, state, readSequence, deliveredSequence, millisBehindLatest, consecutiveFailures, lastError, lastErrorRequestId, lastErrorTime, parents. */
    static String json(List<ShardStatus> shards) {
        ArrayNode array = JSON.createArrayNode();
        for (ShardStatus s : shards) {
            ObjectNode row = array.addObject();
            row.put("shard", s.shardId());
            row.put("state", s.state().key());
            row.put("readSequence", s.readSequence());
            row.put("deliveredSequence", s.deliveredSequence());
            row.put("millisBehindLatest", s.millisBehindLatest());
            row.put("consecutiveFailures", s.consecutiveFailures());
            row.put("lastError", ShardStatus.firstLine(s.lastError()));
            row.put("lastErrorRequestId", s.lastRequestId());
            row.put("lastErrorTime", s.lastErrorAtMillis() < 0 ? null : time(s.lastErrorAtMillis()));
            ArrayNode parents = row.putArray("parents");
            s.parents().forEach(parents::add);
        }
        try {
            return JSON.writeValueAsString(array) + "\n";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String lastError(ShardStatus s) {
        String message = ShardStatus.firstLine(s.lastError());
        if (message == null) {
            return "-";
        }
        StringBuilder text = new StringBuilder();
        if (s.lastErrorAtMillis() >= 0) text.append(time(s.lastErrorAtMillis())).append(' ');
        if (s.lastRequestId() != null)
            text.append("request ").append(s.lastRequestId()).append(": ");
        return text.append(message).toString();
    }

    private static String sequence(long sequence) {
        return sequence < 0 ? "-" : String.valueOf(sequence);
    }

    private static String time(long epochMillis) {
        return Instant.ofEpochMilli(epochMillis).truncatedTo(ChronoUnit.SECONDS).toString();
    }

    /** 850ms, 12s, 4m05s, 2h03m. */
    static String duration(long millis) {
        if (millis < 0) return "-";
        if (millis < 1_000) return millis + "ms";
        long seconds = millis / 1_000;
        if (seconds < 60) return seconds + "s";
        long minutes = seconds / 60;
        if (minutes < 60) return String.format("%dm%02ds", minutes, seconds % 60);
        return String.format("%dh%02dm", minutes / 60, minutes % 60);
    }

    private static String pad(String value, int width) {
        return value.length() >= width ? value : value + " ".repeat(width - value.length());
    }
}
