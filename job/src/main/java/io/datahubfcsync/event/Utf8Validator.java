package io.datahubfcsync.event;

/**
 * Strict UTF-8 check (RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF) without
 * decoding into a String. Used because a BLOB sent as text must be exactly the bytes the producer
 * wrote, never silently repaired with replacement characters.
 */
final class Utf8Validator {
    private Utf8Validator() {}

    /** Index of the first byte that starts an invalid sequence, or -1 if all of {@code b} is valid UTF-8. */
    static int firstInvalidByte(byte[] b) {
        int i = 0;
        final int n = b.length;
        while (i < n) {
            int c = b[i] & 0xFF;
            if (c < 0x80) {
                i++;
                continue;
            }
            int need;
            int min2; // allowed range of the second byte, which rules out overlongs and surrogates
            int max2 = 0xBF;
            if (c >= 0xC2 && c <= 0xDF) {
                need = 1;
                min2 = 0x80;
            } else if (c == 0xE0) {
                need = 2;
                min2 = 0xA0;
            } else if (c >= 0xE1 && c <= 0xEC || c == 0xEE || c == 0xEF) {
                need = 2;
                min2 = 0x80;
            } else if (c == 0xED) {
                need = 2;
                min2 = 0x80;
                max2 = 0x9F;
            } else if (c == 0xF0) {
                need = 3;
                min2 = 0x90;
            } else if (c >= 0xF1 && c <= 0xF3) {
                need = 3;
                min2 = 0x80;
            } else if (c == 0xF4) {
                need = 3;
                min2 = 0x80;
                max2 = 0x8F;
            } else {
                return i;
            }
            if (i + need >= n) {
                return i; // truncated sequence at the end
            }
            int c2 = b[i + 1] & 0xFF;
            if (c2 < min2 || c2 > max2) return i;
            for (int k = 2; k <= need; k++) {
                int ck = b[i + k] & 0xFF;
                if (ck < 0x80 || ck > 0xBF) return i;
            }
            i += need + 1;
        }
        return -1;
    }
}
