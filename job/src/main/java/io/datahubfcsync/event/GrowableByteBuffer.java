package io.datahubfcsync.event;

import java.io.OutputStream;
import java.util.Arrays;

/**
 * A reusable in-memory output that can be cut back to an earlier length, so the encoder can try a
 * record and drop it again when it would push the event over {@code batch.max-bytes}.
 */
final class GrowableByteBuffer extends OutputStream {
    private byte[] bytes;
    private int size;

    GrowableByteBuffer(int initialCapacity) {
        bytes = new byte[Math.max(16, initialCapacity)];
    }

    @Override
    public void write(int b) {
        ensureCapacity(size + 1);
        bytes[size++] = (byte) b;
    }

    @Override
    public void write(byte[] src, int off, int len) {
        ensureCapacity(size + len);
        System.arraycopy(src, off, bytes, size, len);
        size += len;
    }

    int size() {
        return size;
    }

    void truncate(int newSize) {
        if (newSize < 0 || newSize > size)
            throw new IllegalArgumentException("cannot truncate " + size + " bytes to " + newSize);
        size = newSize;
    }

    void reset() {
        size = 0;
    }

    byte[] toByteArray() {
        return Arrays.copyOf(bytes, size);
    }

    private void ensureCapacity(int needed) {
        if (needed > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(needed, bytes.length * 2));
        }
    }
}
