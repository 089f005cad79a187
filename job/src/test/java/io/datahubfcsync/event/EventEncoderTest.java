package io.datahubfcsync.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Golden tests of the DataHub event JSON, byte for byte. */
class EventEncoderTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String HEADER = "{\"eventSource\":\"acs:datahub\",\"eventName\":\"acs:datahub:putRecord\","
            + "\"eventSourceARN\":\"/projects/p/topics/t\",\"region\":\"cn-hangzhou\",\"records\":[";

    private final EventEncoder tuples = new EventEncoder("p", "t", "cn-hangzhou", BlobEncoding.UTF8);

    @Test
    void reproducesTheDocumentedExampleByteForByte() throws Exception {
        EventEncoder encoder =
                new EventEncoder("test_project_name", "test_topic_name", "cn-hangzhou", BlobEncoding.UTF8);
        List<ShardRecord> records = List.of(
                ShardRecord.tuple("0", 12345, 1463000123000L, new String[] {"col1's value", "col2's value"}),
                ShardRecord.tuple("0", 12346, 1463000156000L, new String[] {"col1's value", "col2's value"}));

        EncodedEvent event = encoder.encode(records, 100, 4 << 20);

        assertThat(utf8(event)).isEqualTo(compact(resource("/event/seed-example.json")));
        assertThat(event.recordCount()).isEqualTo(2);
        assertThat(event.firstSequence()).isEqualTo(12345);
        assertThat(event.lastSequence()).isEqualTo(12346);
    }

    @Test
    void everyTupleFieldTypeIsAStringInsideTheDataArray() throws Exception {
        // values as the source renders them: BIGINT, INTEGER, SMALLINT, TINYINT, DOUBLE, FLOAT, DECIMAL, BOOLEAN,
        // TIMESTAMP, STRING
        String[] values = {
            "-9223372036854775808",
            "2147483647",
            "-32768",
            "127",
            "1.7976931348623157E308",
            "3.4028235E38",
            "12345.678900",
            "true",
            "1463000123000000",
            "plain text"
        };
        EncodedEvent event = tuples.encode(List.of(ShardRecord.tuple("3", 7, 1L, values)), 100, 1 << 20);

        assertThat(utf8(event))
                .isEqualTo(
                        HEADER + "{\"eventId\":\"3:7\",\"systemTime\":1,\"data\":\"["
                                + "\\\"-9223372036854775808\\\",\\\"2147483647\\\",\\\"-32768\\\",\\\"127\\\",\\\"1.7976931348623157E308\\\","
                                + "\\\"3.4028235E38\\\",\\\"12345.678900\\\",\\\"true\\\",\\\"1463000123000000\\\",\\\"plain text\\\"]\"}]}");
        JsonNode data =
                JSON.readTree(JSON.readTree(event.json()).at("/records/0/data").asText());
        assertThat(data.size()).isEqualTo(values.length);
        for (int i = 0; i < values.length; i++) assertThat(data.get(i).asText()).isEqualTo(values[i]);
    }

    @Test
    void nullFieldsAreJsonNullsAndEmptyStringsStayStrings() throws Exception {
        EncodedEvent event =
                tuples.encode(List.of(ShardRecord.tuple("0", 1, 5L, new String[] {null, "", null})), 100, 1 << 20);

        assertThat(utf8(event))
                .isEqualTo(HEADER + "{\"eventId\":\"0:1\",\"systemTime\":5,\"data\":\"[null,\\\"\\\",null]\"}]}");
    }

    @Test
    void escapesQuotesBackslashesAndControlCharactersTwiceAndKeepsUnicodeAsUtf8() throws Exception {
        String tricky = "say \"hi\"\\ \n\t\u0001 中文 😀 </script>";
        EncodedEvent event = tuples.encode(List.of(ShardRecord.tuple("0", 1, 5L, new String[] {tricky})), 100, 1 << 20);

        // inner array: ["say \"hi\"\\ \n\t\u0001 中文 😀 </script>"]; then quoted once more as the data string
        String expectedData = "[\\\"say \\\\\\\"hi\\\\\\\"\\\\\\\\ \\\\n\\\\t\\\\u0001 中文 😀 </script>\\\"]";
        assertThat(utf8(event))
                .isEqualTo(HEADER + "{\"eventId\":\"0:1\",\"systemTime\":5,\"data\":\"" + expectedData + "\"}]}");
        // and a function that parses twice gets the original value back
        JsonNode data =
                JSON.readTree(JSON.readTree(event.json()).at("/records/0/data").asText());
        assertThat(data.get(0).asText()).isEqualTo(tricky);
    }

    @Test
    void blobIsSentAsItsUtf8Text() throws Exception {
        byte[] blob = "héllo \"wörld\"\n😀".getBytes(StandardCharsets.UTF_8);
        EncodedEvent event = tuples.encode(List.of(ShardRecord.blob("1", 9, 2L, blob)), 100, 1 << 20);

        assertThat(utf8(event))
                .isEqualTo(HEADER + "{\"eventId\":\"1:9\",\"systemTime\":2,\"data\":\"héllo \\\"wörld\\\"\\n😀\"}]}");
    }

    @Test
    void blobAsStandardBase64WhenConfigured() throws Exception {
        byte[] blob = {(byte) 0xFF, (byte) 0xFE, 0, 1, 2, (byte) 0xFB, (byte) 0xEF};
        EventEncoder encoder = new EventEncoder("p", "t", "cn-hangzhou", BlobEncoding.BASE64);
        EncodedEvent event = encoder.encode(List.of(ShardRecord.blob("1", 9, 2L, blob)), 100, 1 << 20);

        String b64 = Base64.getEncoder().encodeToString(blob); // "//4AAQL77w==": standard alphabet, padded
        assertThat(utf8(event)).isEqualTo(HEADER + "{\"eventId\":\"1:9\",\"systemTime\":2,\"data\":\"" + b64 + "\"}]}");
        assertThat(b64).contains("/").endsWith("=");
    }

    @Test
    void invalidUtf8BlobIsADataErrorNamingShardAndSequence() {
        byte[] latin1 = "caf\u00e9".getBytes(StandardCharsets.ISO_8859_1);
        assertThatThrownBy(() -> tuples.encode(List.of(ShardRecord.blob("4", 42, 2L, latin1)), 100, 1 << 20))
                .isInstanceOf(RecordDataException.class)
                .hasMessageContaining("shard 4")
                .hasMessageContaining("sequence 42")
                .hasMessageContaining("not valid UTF-8")
                .hasMessageContaining("event.blob-encoding=base64");
    }

    @Test
    void rejectsEveryKindOfMalformedUtf8() {
        byte[][] bad = {
            {(byte) 0xC0, (byte) 0xAF}, // overlong '/'
            {(byte) 0xE0, (byte) 0x80, (byte) 0xAF}, // overlong
            {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, // UTF-16 surrogate
            {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, // above U+10FFFF
            {(byte) 0xE4, (byte) 0xB8}, // truncated
            {(byte) 0x80}, // lone continuation byte
            {(byte) 0xFF},
        };
        for (byte[] b : bad)
            assertThat(Utf8Validator.firstInvalidByte(b))
                    .as("%s", java.util.Arrays.toString(b))
                    .isZero();
        assertThat(Utf8Validator.firstInvalidByte("a中😀\u007f\u0080".getBytes(StandardCharsets.UTF_8)))
                .isEqualTo(-1);
        assertThat(Utf8Validator.firstInvalidByte(new byte[] {'o', 'k', (byte) 0xC3}))
                .isEqualTo(2);
    }

    @Test
    void aBadRecordAfterGoodOnesEndsTheEventBeforeIt() throws Exception {
        List<ShardRecord> records = List.of(
                ShardRecord.blob("0", 1, 1L, "a".getBytes(StandardCharsets.UTF_8)),
                ShardRecord.blob("0", 2, 1L, new byte[] {(byte) 0xFF}),
                ShardRecord.blob("0", 3, 1L, "c".getBytes(StandardCharsets.UTF_8)));

        EncodedEvent event = tuples.encode(records, 100, 1 << 20);

        assertThat(event.recordCount()).isEqualTo(1);
        assertThat(utf8(event)).isEqualTo(HEADER + "{\"eventId\":\"0:1\",\"systemTime\":1,\"data\":\"a\"}]}");
        assertThatThrownBy(() -> tuples.encode(records.subList(1, 3), 100, 1 << 20))
                .isInstanceOf(RecordDataException.class)
                .hasMessageContaining("sequence 2");
    }

    @Test
    void stopsAtMaxRecords() throws Exception {
        EncodedEvent event = tuples.encode(manyRecords(10, 3), 4, 1 << 20);

        assertThat(event.recordCount()).isEqualTo(4);
        assertThat(event.lastSequence()).isEqualTo(3);
        assertThat(JSON.readTree(event.json()).get("records").size()).isEqualTo(4);
    }

    @Test
    void neverExceedsMaxBytesAndFillsAsMuchAsFits() throws Exception {
        List<ShardRecord> records = manyRecords(50, 20);
        int oneRecordEvent = tuples.encode(records.subList(0, 1), 1, 1 << 20).json().length;
        for (long limit = oneRecordEvent; limit < oneRecordEvent * 6L; limit += 7) {
            EncodedEvent event = tuples.encode(records, 1000, limit);
            assertThat((long) event.json().length).isLessThanOrEqualTo(limit);
            // one more record would not have fit
            EncodedEvent onemore = tuples.encode(records.subList(0, event.recordCount() + 1), 1000, Long.MAX_VALUE);
            assertThat((long) onemore.json().length).isGreaterThan(limit);
            // and the cut event is still well-formed JSON with exactly the records it claims
            assertThat(JSON.readTree(event.json()).get("records").size()).isEqualTo(event.recordCount());
        }
    }

    @Test
    void aRecordLargerThanTheLimitIsADataErrorNotAnEmptyEvent() {
        ShardRecord huge = ShardRecord.tuple("2", 77, 1L, new String[] {"x".repeat(2000)});
        assertThatThrownBy(() -> tuples.encode(List.of(huge), 100, 1000))
                .isInstanceOf(RecordDataException.class)
                .hasMessageContaining("shard 2")
                .hasMessageContaining("sequence 77")
                .hasMessageContaining("batch.max-bytes=1000");
    }

    @Test
    void rejectedRecordsAreEncodedForTheDeadLetterTopicWithoutLimitAndAsBase64() throws Exception {
        byte[] notUtf8 = {(byte) 0xFF, 'a'};
        EncodedEvent event = tuples.encodeRejected(ShardRecord.blob("4", 42, 2L, notUtf8));

        assertThat(utf8(event))
                .isEqualTo(HEADER + "{\"eventId\":\"4:42\",\"systemTime\":2,\"data\":\""
                        + Base64.getEncoder().encodeToString(notUtf8) + "\"}]}");
    }

    @Test
    void encoderIsReusableAcrossEvents() throws Exception {
        String first = utf8(tuples.encode(manyRecords(3, 1), 100, 1 << 20));
        tuples.encode(manyRecords(200, 50), 100, 1 << 20);
        assertThat(utf8(tuples.encode(manyRecords(3, 1), 100, 1 << 20))).isEqualTo(first);
    }

    private static List<ShardRecord> manyRecords(int n, int valueLength) {
        List<ShardRecord> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(ShardRecord.tuple(
                    "0", i, 1463000123000L + i, new String[] {"v".repeat(valueLength), Integer.toString(i)}));
        }
        return out;
    }

    private static String utf8(EncodedEvent e) {
        return new String(e.json(), StandardCharsets.UTF_8);
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = EventEncoderTest.class.getResourceAsStream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** Drops the whitespace between JSON tokens of a pretty-printed document (strings untouched). */
    private static String compact(String pretty) {
        StringBuilder b = new StringBuilder();
        boolean inString = false;
        for (int i = 0; i < pretty.length(); i++) {
            char c = pretty.charAt(i);
            if (inString) {
                b.append(c);
                if (c == '\\') b.append(pretty.charAt(++i));
                else if (c == '"') inString = false;
            } else if (c == '"') {
                inString = true;
                b.append(c);
            } else if (!Character.isWhitespace(c)) {
                b.append(c);
            }
        }
        return b.toString();
    }

    @Test
    void randomTupleValuesRoundTripThroughBothLevelsOfJson() throws Exception {
        java.util.Random random = new java.util.Random(42);
        String alphabet = "ab\"\\\n\t\r\b\f\u0000\u0001\u001f\u007f /:{}[],é李\u2028";
        com.fasterxml.jackson.databind.ObjectMapper mapper = new com.fasterxml.jackson.databind.ObjectMapper();
        EventEncoder encoder = new EventEncoder("p", "t", "r", BlobEncoding.UTF8);
        for (int round = 0; round < 500; round++) {
            String[] values = new String[1 + random.nextInt(6)];
            for (int i = 0; i < values.length; i++) {
                if (random.nextInt(8) == 0) continue; // null
                StringBuilder b = new StringBuilder();
                for (int k = random.nextInt(12); k > 0; k--) {
                    if (random.nextInt(10) == 0) b.append("\uD83D\uDE00"); // a surrogate pair (emoji)
                    else b.append(alphabet.charAt(random.nextInt(alphabet.length())));
                }
                values[i] = b.toString();
            }
            byte[] json = encoder.encode(java.util.List.of(ShardRecord.tuple("0", round, 1L, values)), 10, 1 << 20)
                    .json();
            String data =
                    mapper.readTree(json).get("records").get(0).get("data").asText();
            com.fasterxml.jackson.databind.JsonNode array = mapper.readTree(data);
            assertThat(array.size()).isEqualTo(values.length);
            for (int i = 0; i < values.length; i++) {
                if (values[i] == null) assertThat(array.get(i).isNull()).isTrue();
                else assertThat(array.get(i).asText()).isEqualTo(values[i]);
            }
        }
    }
}
