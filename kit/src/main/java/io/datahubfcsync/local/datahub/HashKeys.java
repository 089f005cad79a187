package io.datahubfcsync.local.datahub;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** DataHub's 128-bit hash key space: 32 upper-case hex digits, shard ranges {@code [begin, end)}. */
final class HashKeys {
    static final BigInteger MIN = BigInteger.ZERO;
    /** The last shard ends at FFFF…; DataHub writes it as the end key even though it is 2^128-1. */
    static final BigInteger MAX = BigInteger.ONE.shiftLeft(128).subtract(BigInteger.ONE);

    private HashKeys() {}

    static String format(BigInteger key) {
        String hex = key.toString(16).toUpperCase(Locale.ROOT);
        return "0".repeat(32 - hex.length()) + hex;
    }

    /** Parses a 32-hex-digit key; null when it is not one. */
    static BigInteger parseOrNull(String key) {
        if (key == null || key.length() != 32) return null;
        for (int i = 0; i < key.length(); i++) {
            if (Character.digit(key.charAt(i), 16) < 0) return null;
        }
        return new BigInteger(key, 16);
    }

    /** Begin keys of {@code count} shards splitting the key space evenly, plus MAX as the final end. */
    static List<BigInteger> evenBoundaries(int count) {
        BigInteger space = BigInteger.ONE.shiftLeft(128);
        List<BigInteger> bounds = new ArrayList<>(count + 1);
        for (int i = 0; i < count; i++) {
            bounds.add(space.multiply(BigInteger.valueOf(i)).divide(BigInteger.valueOf(count)));
        }
        bounds.add(MAX);
        return bounds;
    }

    /** The hash key DataHub derives from a partition key: the MD5 digest as a 128-bit number. */
    static BigInteger ofPartitionKey(String partitionKey) {
        try {
            byte[] md5 = MessageDigest.getInstance("MD5").digest(partitionKey.getBytes(StandardCharsets.UTF_8));
            return new BigInteger(1, md5);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("MD5 is required by every JDK", e);
        }
    }
}
