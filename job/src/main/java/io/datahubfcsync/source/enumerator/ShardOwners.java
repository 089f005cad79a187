package io.datahubfcsync.source.enumerator;

import io.datahubfcsync.source.split.ShardSplit;
import java.math.BigInteger;

/**
 * Which reader owns a shard, decided from the shard alone and the current parallelism, so that
 * every reader gets its share whatever order readers register in: the midpoint of the shard's
 * hash-key range, mapped proportionally onto the reader indexes. DataHub spreads a topic's shards
 * evenly over the 128-bit key space and a split or merge keeps its children inside the parents'
 * range, so shards, their children included, spread evenly over the readers.
 *
 * <p>A shard without a 128-bit hash-key range (32 hex digits each end) falls back to its numeric
 * id modulo the parallelism.
 */
final class ShardOwners {
    private static final BigInteger KEY_SPACE = BigInteger.ONE.shiftLeft(128);
    private static final int KEY_HEX_DIGITS = 32;

    private ShardOwners() {}

    static int ownerOf(ShardSplit split, int parallelism) {
        if (parallelism <= 1) return 0;
        BigInteger begin = key(split.beginHashKey());
        BigInteger end = key(split.endHashKey());
        if (begin != null && end != null && end.compareTo(begin) > 0) {
            BigInteger mid = begin.add(end).shiftRight(1);
            int owner = mid.multiply(BigInteger.valueOf(parallelism))
                    .divide(KEY_SPACE)
                    .intValue();
            return Math.min(parallelism - 1, Math.max(0, owner));
        }
        return Math.floorMod(idNumber(split.shardId()), parallelism);
    }

    private static BigInteger key(String hex) {
        if (hex == null || hex.length() != KEY_HEX_DIGITS) return null;
        try {
            return new BigInteger(hex, 16);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static long idNumber(String shardId) {
        try {
            return Long.parseLong(shardId);
        } catch (NumberFormatException e) {
            return shardId.hashCode();
        }
    }
}
