package io.datahubfcsync.event;

import java.util.Locale;

/** How a BLOB record's bytes become the event's {@code data} string ({@code event.blob-encoding}). */
public enum BlobEncoding {
    /** The bytes must be valid UTF-8 and are sent as that text; anything else is a data error. */
    UTF8,
    /** Standard base64 (RFC 4648, padded, no line breaks). */
    BASE64;

    /** The value users type for {@code event.blob-encoding}. */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }
}
