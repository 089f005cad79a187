package io.datahubfcsync.local.datahub;

/**
 * The emulator's cursor format: 32 hex digits like DataHub's, holding a version tag, a check of the
 * topic incarnation and shard, the shard id and the sequence. The SDK treats cursors as opaque;
 * the check lets the emulator answer {@code InvalidCursor} for a cursor of another shard or topic.
 */
final class Cursors {
    private static final String VERSION = "30";
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private Cursors() {}

    static String encode(long topicIncarnation, int shardId, long sequence) {
        // Hand-rolled hex: a 1000-record read encodes 1001 cursors, and String.format dominated that.
        char[] c = new char[32];
        c[0] = '3';
        c[1] = '0';
        hex(c, 2, check(topicIncarnation, shardId), 6);
        hex(c, 8, shardId, 8);
        hex(c, 16, sequence, 16);
        return new String(c);
    }

    private static void hex(char[] out, int offset, long value, int digits) {
        for (int i = offset + digits - 1; i >= offset; i--) {
            out[i] = HEX[(int) (value & 0xF)];
            value >>>= 4;
        }
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

    /** 24 bits that differ between topics (incarnations) and shards; a 64-bit finalizer mix. */
    private static int check(long topicIncarnation, int shardId) {
        long h = topicIncarnation * 0x9E3779B97F4A7C15L + shardId;
        h ^= h >>> 33;
        h *= 0xFF51AFD7ED558CCDL;
        h ^= h >>> 33;
        return (int) (h & 0xFFFFFF);
    }

    private static ServiceError invalid(String cursor) {
        return ServiceError.invalidCursor("The cursor '" + cursor + "' is not valid for this shard.");
    }
}
