package io.datahubfcsync.cli;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The line worth showing from a Flink REST error body ({@code {"errors": [...]}}): the entries are a
 * short message and, for internal errors, a stack trace whose last "Caused by:" names the real cause.
 */
final class FlinkErrors {

    private FlinkErrors() {}

    static String headline(JsonNode body) {
        String shortMessage = null;
        String deepestCause = null;
        for (JsonNode error : body.path("errors")) {
            for (String line : error.asText().split("\n")) {
                String trimmed = line.trim();
                if (shortMessage == null && !trimmed.isEmpty()) {
                    shortMessage = trimmed;
                }
                if (trimmed.startsWith("Caused by: ")) {
                    deepestCause = trimmed.substring("Caused by: ".length());
                }
            }
        }
        if (deepestCause != null) {
            return deepestCause;
        }
        return shortMessage != null ? shortMessage : "no error message";
    }
}
