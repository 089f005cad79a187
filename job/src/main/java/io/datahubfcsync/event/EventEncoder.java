package io.datahubfcsync.event;

import com.fasterxml.jackson.core.Base64Variant;
import com.fasterxml.jackson.core.Base64Variants;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.Objects;

/**
 * Writes the DataHub event JSON, byte for byte what DataHub's own FC connector sends (its event
 * structure: https://www.alibabacloud.com/help/en/datahub/user-guide/synchronize-data-to-function-compute):
 *
 * <pre>{"eventSource":"acs:datahub","eventName":"acs:datahub:putRecord","eventSourceARN":"/projects/p/topics/t",
 * "region":"r","records":[{"eventId":"0:12345","systemTime":1463000123000,"data":"[\"v1\",null]"}]}</pre>
 *
 * <p>Streams with Jackson's {@link JsonGenerator} straight into a reused buffer and measures the
 * size after every record, so an event is cut before it would exceed the byte limit. Not
 * thread-safe: one encoder per operator instance, used from the task thread.
 */
public final class EventEncoder {
    /** Bytes that follow the last record: closing the records array and the event object. */
    private static final int CLOSING_BYTES = 2; // "]}"

    private static final SerializableString EVENT_SOURCE = new SerializedString("eventSource");
    private static final SerializableString EVENT_NAME = new SerializedString("eventName");
    private static final SerializableString EVENT_SOURCE_ARN = new SerializedString("eventSourceARN");
    private static final SerializableString REGION = new SerializedString("region");
    private static final SerializableString RECORDS = new SerializedString("records");
    private static final SerializableString EVENT_ID = new SerializedString("eventId");
    private static final SerializableString SYSTEM_TIME = new SerializedString("systemTime");
    private static final SerializableString DATA = new SerializedString("data");
    private static final SerializableString ACS_DATAHUB = new SerializedString("acs:datahub");
    private static final SerializableString PUT_RECORD = new SerializedString("acs:datahub:putRecord");
    /** RFC 4648 alphabet with padding and without the line breaks of MIME. */
    private static final Base64Variant STANDARD_BASE64 = Base64Variants.MIME_NO_LINEFEEDS;

    private final SerializableString eventSourceArn;
    private final SerializableString region;
    private final BlobEncoding blobEncoding;

    /** Emoji and other non-BMP characters as their 4 UTF-8 bytes, like the rest of the text, not as escaped surrogates. */
    private final JsonFactory jsonFactory = JsonFactory.builder()
            .enable(JsonWriteFeature.COMBINE_UNICODE_SURROGATES_IN_UTF8)
            .build();

    private final GrowableByteBuffer out = new GrowableByteBuffer(64 * 1024);
    /** The text of one TUPLE record's {@code data}: the JSON array, before it is quoted as a string. */
    private final StringBuilder tupleText = new StringBuilder(256);

    private char[] chars = new char[256];

    public EventEncoder(String project, String topic, String region, BlobEncoding blobEncoding) {
        Objects.requireNonNull(project, "project");
        Objects.requireNonNull(topic, "topic");
        this.eventSourceArn = new SerializedString("/projects/" + project + "/topics/" + topic);
        this.region = new SerializedString(Objects.requireNonNull(region, "region"));
        this.blobEncoding = Objects.requireNonNull(blobEncoding, "blobEncoding");
    }

    /**
     * Encodes the longest prefix of {@code records} (consecutive records of one shard, oldest first)
     * that fits {@code maxRecords} and {@code maxBytes}.
     *
     * @return an event holding at least one record
     * @throws RecordDataException if the first record cannot be sent at all (invalid UTF-8 blob, or
     *     its event alone exceeds {@code maxBytes}); a bad record later in the list just ends the
     *     event before it, so it becomes the first record of the next call
     * @throws IllegalArgumentException if {@code records} is empty
     */
    public EncodedEvent encode(Iterable<ShardRecord> records, int maxRecords, long maxBytes)
            throws RecordDataException {
        if (maxRecords < 1) throw new IllegalArgumentException("maxRecords must be at least 1, got " + maxRecords);
        Iterator<ShardRecord> it = records.iterator();
        if (!it.hasNext()) throw new IllegalArgumentException("no records to encode");
        try (JsonGenerator gen = startEvent()) {
            int count = 0;
            long first = -1;
            long last = -1;
            while (count < maxRecords && it.hasNext()) {
                ShardRecord r = it.next();
                String invalid = blobProblem(r, blobEncoding);
                if (invalid != null) {
                    if (count == 0) throw new RecordDataException(r.shardId, r.sequence, invalid);
                    break; // the bad record heads the next event, where it is reported
                }
                int before = out.size();
                writeRecord(gen, r, blobEncoding);
                gen.flush();
                if (out.size() + CLOSING_BYTES > maxBytes) {
                    if (count == 0) {
                        throw new RecordDataException(
                                r.shardId,
                                r.sequence,
                                "its event is "
                                        + (out.size() + CLOSING_BYTES) + " bytes, more than batch.max-bytes=" + maxBytes
                                        + "; raise batch.max-bytes (FC accepts up to 32 MiB) or shrink the record");
                    }
                    out.truncate(before); // drop the record again; the generator holds nothing unflushed
                    break;
                }
                if (count == 0) first = r.sequence;
                last = r.sequence;
                count++;
            }
            endEvent(gen);
            return new EncodedEvent(out.toByteArray(), count, first, last);
        } catch (IOException e) {
            throw new UncheckedIOException("writing to memory failed", e); // cannot happen with an in-memory buffer
        }
    }

    /**
     * The event for the dead-letter topic of a record that {@link #encode} rejected: no size limit,
     * and BLOBs always as base64 so that bytes that are not UTF-8 survive unchanged.
     */
    public EncodedEvent encodeRejected(ShardRecord record) {
        try (JsonGenerator gen = startEvent()) {
            writeRecord(gen, record, BlobEncoding.BASE64);
            endEvent(gen);
            return new EncodedEvent(out.toByteArray(), 1, record.sequence, record.sequence);
        } catch (IOException e) {
            throw new UncheckedIOException("writing to memory failed", e);
        }
    }

    private JsonGenerator startEvent() throws IOException {
        out.reset();
        JsonGenerator gen = jsonFactory.createGenerator(out);
        gen.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
        gen.writeStartObject();
        gen.writeFieldName(EVENT_SOURCE);
        gen.writeString(ACS_DATAHUB);
        gen.writeFieldName(EVENT_NAME);
        gen.writeString(PUT_RECORD);
        gen.writeFieldName(EVENT_SOURCE_ARN);
        gen.writeString(eventSourceArn);
        gen.writeFieldName(REGION);
        gen.writeString(region);
        gen.writeFieldName(RECORDS);
        gen.writeStartArray();
        return gen;
    }

    private static void endEvent(JsonGenerator gen) throws IOException {
        gen.writeEndArray();
        gen.writeEndObject();
        gen.flush();
    }

    private void writeRecord(JsonGenerator gen, ShardRecord r, BlobEncoding encoding) throws IOException {
        gen.writeStartObject();
        gen.writeFieldName(EVENT_ID);
        tupleText.setLength(0);
        tupleText.append(r.shardId).append(':').append(r.sequence);
        writeText(gen, tupleText);
        gen.writeFieldName(SYSTEM_TIME);
        gen.writeNumber(r.systemTime);
        gen.writeFieldName(DATA);
        if (r.blob != null) {
            if (encoding == BlobEncoding.BASE64) {
                gen.writeBinary(STANDARD_BASE64, r.blob, 0, r.blob.length);
            } else {
                gen.writeUTF8String(r.blob, 0, r.blob.length); // validated by blobProblem()
            }
        } else if (r.tuple != null) {
            writeTupleData(gen, r.tuple);
        } else {
            gen.writeNull(); // neither tuple nor blob: the source never emits this
        }
        gen.writeEndObject();
    }

    /**
     * Writes a TUPLE record's {@code data}: a JSON string whose content is the JSON array of the values.
     * Each value is escaped twice in one pass — once as an element of the inner array, once more as
     * part of the outer string — straight into the generator, instead of building the inner JSON and
     * having Jackson escape it again (the hot path of every event).
     */
    private void writeTupleData(JsonGenerator gen, String[] values) throws IOException {
        char[] buf = chars;
        int n = 0;
        int worst = 4;
        for (String v : values)
            worst += v == null ? 5 : 5 + 7 * v.length(); // quotes, comma; 7 chars per char at most (\\u00XX)
        if (buf.length < worst) buf = chars = new char[Math.max(worst, buf.length * 2)];
        buf[n++] = '"';
        buf[n++] = '[';
        for (int i = 0; i < values.length; i++) {
            if (i > 0) buf[n++] = ',';
            String v = values[i];
            if (v == null) {
                buf[n++] = 'n';
                buf[n++] = 'u';
                buf[n++] = 'l';
                buf[n++] = 'l';
                continue;
            }
            buf[n++] = '\\';
            buf[n++] = '"';
            for (int k = 0, len = v.length(); k < len; k++) {
                char c = v.charAt(k);
                if (c >= 0x20 && c != '"' && c != '\\') {
                    buf[n++] = c;
                } else {
                    n = escapeTwice(c, buf, n);
                }
            }
            buf[n++] = '\\';
            buf[n++] = '"';
        }
        buf[n++] = ']';
        buf[n++] = '"';
        gen.writeRawValue(buf, 0, n);
    }

    /** {@code c} as the inner JSON escapes it ({@code \"}, {@code \\}, {@code \n}, {@code \u001f}), escaped once more. */
    private static int escapeTwice(char c, char[] buf, int n) {
        buf[n++] = '\\';
        buf[n++] = '\\';
        switch (c) {
            case '"':
                buf[n++] = '\\';
                buf[n++] = '"';
                return n;
            case '\\':
                buf[n++] = '\\';
                buf[n++] = '\\';
                return n;
            case '\b':
                buf[n++] = 'b';
                return n;
            case '\f':
                buf[n++] = 'f';
                return n;
            case '\n':
                buf[n++] = 'n';
                return n;
            case '\r':
                buf[n++] = 'r';
                return n;
            case '\t':
                buf[n++] = 't';
                return n;
            default:
                buf[n++] = 'u';
                buf[n++] = '0';
                buf[n++] = '0';
                buf[n++] = HEX[c >> 4];
                buf[n++] = HEX[c & 0xF];
                return n;
        }
    }

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private void writeText(JsonGenerator gen, StringBuilder text) throws IOException {
        int len = text.length();
        if (chars.length < len) chars = new char[Math.max(len, chars.length * 2)];
        text.getChars(0, len, chars, 0);
        gen.writeString(chars, 0, len);
    }

    /** Why this record's blob cannot be sent with {@code encoding}, or null if it can. */
    private static String blobProblem(ShardRecord r, BlobEncoding encoding) {
        if (r.blob == null || encoding != BlobEncoding.UTF8) return null;
        int bad = Utf8Validator.firstInvalidByte(r.blob);
        if (bad < 0) return null;
        return String.format(
                "the BLOB is not valid UTF-8 (byte 0x%02X at offset %d of %d); "
                        + "set event.blob-encoding=base64 to send binary blobs",
                r.blob[bad] & 0xFF, bad, r.blob.length);
    }
}
