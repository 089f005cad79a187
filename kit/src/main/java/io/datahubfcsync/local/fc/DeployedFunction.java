package io.datahubfcsync.local.fc;

import com.aliyun.fc.runtime.FunctionInitializer;
import com.aliyun.fc.runtime.StreamRequestHandler;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Objects;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real FC Java function hosted in-process: one instance, initialized once through
 * {@link FunctionInitializer} before its first request (and again after a failed initialization,
 * as FC retries it), then called concurrently by the emulator's connection threads.
 */
final class DeployedFunction {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String service; // null: an FC 3.0 function, which belongs to no service
    private final String qualifier; // null: LATEST
    private final String name;
    private final StreamRequestHandler handler;
    private final int timeoutSeconds;
    private final int memoryMb;
    private final String functionId = UUID.randomUUID().toString();
    private final Instant created = Instant.now();
    private final Object initLock = new Object();
    private final Logger logger; // where what the function logs goes, besides its own log tail
    private volatile boolean initialized;

    DeployedFunction(
            String service,
            String qualifier,
            String name,
            StreamRequestHandler handler,
            int timeoutSeconds,
            int memoryMb) {
        this.service = service;
        this.qualifier = qualifier;
        this.name = Objects.requireNonNull(name);
        this.handler = Objects.requireNonNull(handler);
        this.timeoutSeconds = timeoutSeconds;
        this.memoryMb = memoryMb;
        this.logger = LoggerFactory.getLogger("fc." + (service != null ? service + "." : "") + name);
    }

    /** The logger every request's context writes the function's lines to, looked up once. */
    Logger logger() {
        return logger;
    }

    String service() {
        return service;
    }

    String qualifier() {
        return qualifier;
    }

    String name() {
        return name;
    }

    int timeoutSeconds() {
        return timeoutSeconds;
    }

    int memoryMb() {
        return memoryMb;
    }

    String functionId() {
        return functionId;
    }

    Instant created() {
        return created;
    }

    StreamRequestHandler handler() {
        return handler;
    }

    String handlerName() {
        return handler.getClass().getName() + "::handleRequest";
    }

    String initializerName() {
        return handler instanceof FunctionInitializer ? handler.getClass().getName() + "::initialize" : "";
    }

    /** Runs the function once. Never throws: failures become an {@code UnhandledInvocationError} result. */
    Result invoke(byte[] payload, LocalContext context) {
        long start = System.nanoTime();
        try {
            ensureInitialized(context);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            handler.handleRequest(new ByteArrayInputStream(payload), out, context);
            long elapsedMs = (System.nanoTime() - start) / 1_000_000;
            if (elapsedMs > timeoutSeconds * 1000L) {
                // FC stops the instance at the limit; in-process we can only report it afterwards
                return Result.error(errorBody(
                        "Function timed out after " + timeoutSeconds + " seconds", "FunctionTimeoutError", null, null));
            }
            return Result.ok(out.toByteArray());
        } catch (Throwable t) {
            return Result.error(errorBody(
                    t.getMessage(),
                    t.getClass().getName(),
                    t.getCause() == null ? null : String.valueOf(t.getCause()),
                    t.getStackTrace()));
        }
    }

    private void ensureInitialized(LocalContext context) throws Exception {
        if (initialized || !(handler instanceof FunctionInitializer)) return;
        synchronized (initLock) {
            if (!initialized) {
                ((FunctionInitializer) handler).initialize(context);
                initialized = true;
            }
        }
    }

    /** The Java runtime's error body: {@code errorMessage, errorType, errorCause, stackTrace}. */
    static byte[] errorBody(String message, String type, String cause, StackTraceElement[] stack) {
        ObjectNode body = JSON.createObjectNode();
        body.put("errorMessage", message);
        body.put("errorType", type);
        if (cause != null) body.put("errorCause", cause);
        ArrayNode frames = body.putArray("stackTrace");
        if (stack != null) {
            for (StackTraceElement e : stack) {
                if (e.getClassName().equals(DeployedFunction.class.getName())) break; // the runtime's own frames
                frames.add(e.getClassName()
                        + '.'
                        + e.getMethodName()
                        + '('
                        + e.getFileName()
                        + ':'
                        + e.getLineNumber()
                        + ')');
            }
        }
        return body.toString().getBytes(StandardCharsets.UTF_8);
    }

    record Result(byte[] body, boolean failed) {
        static Result ok(byte[] body) {
            return new Result(body, false);
        }

        static Result error(byte[] body) {
            return new Result(body, true);
        }
    }
}
