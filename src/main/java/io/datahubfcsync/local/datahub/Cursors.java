package io.datahubfcsync.local.datahub;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.zip.CRC32;

/**
 * The emulator's cursor format: 32 hex digits like DataHub's, holding a version tag, a check of the
 * topic incarnation and shard, the shard id and the sequence. The SDK treats cursors as opaque;
 * the check lets the emulator answer {@code InvalidCursor} for a cursor of another shard or topic.
 */
final class Cursors {
    private static final String VERSION = "30";

    private Cursors() {}

    static String encode(long topicIncarnation, int shardId, long sequence) {
        return String.format(Locale.ROOT, "%s%06x%08x%016x", VERSION, check(topicIncarnation, shardId), shardId, sequence);
    }

    /** The sequence a cursor points at; {@code InvalidCursor} if it is not one of this shard's cursors. */
    static long decode(String cursor, long topicIncarnation, int shardId) {
        if (cursor == null || cursor.length() != 32 || !cursor.startsWith(VERSION)) {
            throw invalid(cursor);
        }
        try {
            int check = Integer.parseInt(cursor.substring(2, 8), 16);
            long shard = Long.parseLong(cursor.substring(8, 16), 16);
            long sequence = Long.parseUnsignedLong(cursor.substring(16, 32), 16);
            if (shard != shardId || check != check(topicIncarnation, shardId) || sequence < 0) {
                throw invalid(cursor);
            }
            return sequence;
        } catch (NumberFormatException e) {
            throw invalid(cursor);
        }
    }

    private static int check(long topicIncarnation, int shardId) {
        CRC32 crc = new CRC32();
        crc.update((topicIncarnation + "/" + shardId).getBytes(StandardCharsets.US_ASCII));
        return (int) (crc.getValue() & 0xFFFFFF);
    }

    private static ServiceError invalid(String cursor) {
        return ServiceError.invalidCursor("The cursor '" + cursor + "' is not valid for this shard.");
    }
}
