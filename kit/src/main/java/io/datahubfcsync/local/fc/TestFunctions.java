package io.datahubfcsync.local.fc;

import com.aliyun.fc.runtime.Context;
import com.aliyun.fc.runtime.FunctionInitializer;
import com.aliyun.fc.runtime.StreamRequestHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** Small FC Java functions for the emulator and invoker tests. */
public final class TestFunctions {
    private TestFunctions() {}

    /** Returns its input; counts initializations and calls. */
    public static final class Echo implements StreamRequestHandler, FunctionInitializer {
        public final AtomicInteger initializations = new AtomicInteger();
        public final AtomicInteger calls = new AtomicInteger();

        @Override
        public void initialize(Context context) {
            initializations.incrementAndGet();
        }

        @Override
        public void handleRequest(InputStream in, OutputStream out, Context context) throws IOException {
            calls.incrementAndGet();
            context.getLogger().info("echo " + context.getRequestId());
            in.transferTo(out);
        }
    }

    /** Writes a fixed text naming where it runs, to prove qualifier routing. */
    public static final class Named implements StreamRequestHandler {
        private final String name;

        public Named(String name) {
            this.name = name;
        }

        @Override
        public void handleRequest(InputStream in, OutputStream out, Context context) throws IOException {
            out.write((name + "@" + context.getService().getQualifier()).getBytes(StandardCharsets.UTF_8));
        }
    }

    /** Always throws, like a buggy user function. */
    public static final class Throwing implements StreamRequestHandler {
        @Override
        public void handleRequest(InputStream in, OutputStream out, Context context) {
            throw new IllegalStateException("boom requested", new IOException("disk on fire"));
        }
    }

    /** Blocks until released (or 30 s), so tests control overlap without sleeping. */
    public static final class Gate implements StreamRequestHandler {
        public final CountDownLatch release = new CountDownLatch(1);

        @Override
        public void handleRequest(InputStream in, OutputStream out, Context context) throws IOException {
            try {
                if (!release.await(30, TimeUnit.SECONDS)) throw new IOException("gate never opened");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(e);
            }
            in.transferTo(out);
        }
    }
}
