package io.datahubfcsync.local.fc;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.function.Function;

/**
 * Parses the date a request was signed with, remembering the last text parsed. A client signs
 * with the current second, so requests in a row mostly carry the same text, and the same text
 * always means the same instant: parsing it once per second keeps the emulator's check cheap
 * (it shares the machine with the client being measured) without accepting anything the parser
 * would refuse. Only successful parses are remembered; a malformed date is refused every time.
 */
final class RequestDates {
    private final Function<String, Instant> parser;
    private volatile Parsed last; // the last text parsed and its instant, published together

    private record Parsed(String text, Instant instant) {}

    /** {@code parser} throws {@link DateTimeParseException} for a text that is not a date of its format. */
    RequestDates(Function<String, Instant> parser) {
        this.parser = parser;
    }

    /** The instant {@code text} names; throws {@link DateTimeParseException} as the parser does. */
    Instant parse(String text) {
        Parsed p = last;
        if (p != null && p.text.equals(text)) return p.instant;
        Instant instant = parser.apply(text);
        last = new Parsed(text, instant);
        return instant;
    }
}
