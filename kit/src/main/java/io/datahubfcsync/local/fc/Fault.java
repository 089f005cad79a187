package io.datahubfcsync.local.fc;

import java.time.Duration;
import java.util.Objects;
import java.util.Random;

/**
 * One injected misbehaviour of the FC emulator, with when it applies. Build one with a factory,
 * narrow it with the trigger methods, then {@link FaultPlan#add add} it:
 *
 * <pre>{@code
 * fc.faults().add(Fault.functionError("boom").times(3));                  // 3 failed attempts, then normal
 * fc.faults().add(Fault.functionError("poison").whenEventId("0:17"));     // every batch holding 0:17 fails
 * fc.faults().add(Fault.throttled().withProbability(0.1, 42));            // seeded 10 % of calls get 429
 * fc.faults().add(Fault.latency(Duration.ofMillis(300)).onlyFor("svc", "fn"));
 * }</pre>
 *
 * <p>Latency faults add up and the call then goes on; of the other kinds the first matching fault
 * in the plan decides the answer. An injected function error replaces running the function.
 */
public final class Fault {

    /** What the fault does. */
    public enum Kind {
        /** HTTP 200 + {@code X-Fc-Error-Type: UnhandledInvocationError}, Java runtime error body. */
        FUNCTION_ERROR,
        /** HTTP 200 + {@code X-Fc-Error-Type: HandledInvocationError}. */
        HANDLED_FUNCTION_ERROR,
        /**
         * An FC error status with the API's JSON error body ({@code ErrorCode}/{@code ErrorMessage} for
         * FC 2.0, {@code Code}/{@code Message}/{@code RequestId} for FC 3.0), or a raw body.
         */
        HTTP_ERROR,
        /** Delay before answering; the call then proceeds. */
        LATENCY,
        /** Close the connection without an answer. */
        DROP_CONNECTION
    }

    private final Kind kind;
    private final String message; // function error message or FC error message (null: standard text)
    private final int status;
    private final String errorCode; // FC error code for HTTP_ERROR with a JSON body
    private final String rawContentType; // raw HTTP_ERROR: content type, null for none
    private final byte[] rawBody; // raw HTTP_ERROR body (may be empty), null for a JSON error body
    private final long latencyMillis;

    private String service; // null: any
    private String function; // null: any
    private boolean fc3Only; // function names an FC 3.0 function
    private String eventId; // null: any payload
    private int remaining = -1; // -1: unlimited
    private double probability = 1.0;
    private Random random;
    private int fired;

    private Fault(
            Kind kind,
            String message,
            int status,
            String errorCode,
            String rawContentType,
            byte[] rawBody,
            long latencyMillis) {
        this.kind = kind;
        this.message = message;
        this.status = status;
        this.errorCode = errorCode;
        this.rawContentType = rawContentType;
        this.rawBody = rawBody;
        this.latencyMillis = latencyMillis;
    }

    /** The function fails (as if it threw {@code RuntimeException(message)}). */
    public static Fault functionError(String message) {
        return new Fault(Kind.FUNCTION_ERROR, Objects.requireNonNull(message), 200, null, null, null, 0);
    }

    /** The function reports a handled error ({@code HandledInvocationError}). */
    public static Fault handledFunctionError(String message) {
        return new Fault(Kind.HANDLED_FUNCTION_ERROR, Objects.requireNonNull(message), 200, null, null, null, 0);
    }

    /** 429 ResourceThrottled, as FC answers when the function's concurrency is exhausted. */
    public static Fault throttled() {
        return fcError(429, "ResourceThrottled", "Reserve resource exhausted. Please try again later");
    }

    /** 500 InternalServerError. The bare FC 2.0 SDK would send such a call up to 3 times in total. */
    public static Fault serverError() {
        return fcError(500, "InternalServerError", "an internal error has occurred. Please retry.");
    }

    /** 404 FunctionNotFound for the requested service/function. */
    public static Fault functionNotFound() {
        return fcError(404, "FunctionNotFound", null);
    }

    /** 403 AccessDenied. */
    public static Fault accessDenied() {
        return fcError(403, "AccessDenied", "the caller is not authorized to invoke this function");
    }

    /** Any FC error with a proper JSON body; {@code message} null picks the standard text for known codes. */
    public static Fault fcError(int status, String errorCode, String message) {
        return new Fault(Kind.HTTP_ERROR, message, status, Objects.requireNonNull(errorCode), null, null, 0);
    }

    /**
     * A raw HTTP answer, for what a proxy in front of FC may send: {@code 503} with an HTML page, a
     * {@code 403} or {@code 500} with an empty body (which crashes the FC SDK with a
     * NullPointerException).
     */
    public static Fault httpResponse(int status, String contentType, String body) {
        return new Fault(
                Kind.HTTP_ERROR,
                null,
                status,
                null,
                contentType,
                body == null ? new byte[0] : body.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                0);
    }

    /** Adds {@code delay} before the call is answered; with a probability this makes latency spikes. */
    public static Fault latency(Duration delay) {
        return new Fault(Kind.LATENCY, null, 0, null, null, null, delay.toMillis());
    }

    /** Reads the request, then closes the connection without answering. */
    public static Fault dropConnection() {
        return new Fault(Kind.DROP_CONNECTION, null, 0, null, null, null, 0);
    }

    /** Applies only to calls of this FC 3.0 function (the 2023-03-30 API, which has no services). */
    public Fault onlyForFunction3(String function) {
        this.service = null;
        this.function = Objects.requireNonNull(function);
        this.fc3Only = true;
        return this;
    }

    /** Applies only to calls of this service and function. */
    public Fault onlyFor(String service, String function) {
        this.service = Objects.requireNonNull(service);
        this.function = Objects.requireNonNull(function);
        return this;
    }

    /** Applies to calls whose event holds a record with this {@code eventId} ({@code shardId:sequence}). */
    public Fault whenEventId(String eventId) {
        this.eventId = Objects.requireNonNull(eventId);
        return this;
    }

    /** Applies to the next {@code n} matching calls only. */
    public synchronized Fault times(int n) {
        if (n < 0) throw new IllegalArgumentException("times must be >= 0, got " + n);
        this.remaining = n;
        return this;
    }

    /** Applies to each matching call with probability {@code p}, drawn from a generator seeded with {@code seed}. */
    public synchronized Fault withProbability(double p, long seed) {
        if (p < 0 || p > 1) throw new IllegalArgumentException("probability must be in [0,1], got " + p);
        this.probability = p;
        this.random = new Random(seed);
        return this;
    }

    /** Decides whether this fault fires for the call, consuming one of its {@link #times} if so. */
    synchronized boolean fire(InvocationTarget target) {
        if (remaining == 0) return false;
        if (service != null && !(service.equals(target.service()) && function.equals(target.function()))) return false;
        if (fc3Only && !(target.service() == null && function.equals(target.function()))) return false;
        if (eventId != null && !target.eventIds().contains(eventId)) return false;
        if (random != null && random.nextDouble() >= probability) return false;
        if (remaining > 0) remaining--;
        fired++;
        return true;
    }

    /** How many calls this fault has affected so far. */
    public synchronized int fired() {
        return fired;
    }

    /** True once a {@link #times} budget is used up. */
    public synchronized boolean exhausted() {
        return remaining == 0;
    }

    public Kind kind() {
        return kind;
    }

    String message() {
        return message;
    }

    int status() {
        return status;
    }

    String errorCode() {
        return errorCode;
    }

    String rawContentType() {
        return rawContentType;
    }

    byte[] rawBody() {
        return rawBody;
    }

    long latencyMillis() {
        return latencyMillis;
    }

    @Override
    public synchronized String toString() {
        return "Fault{" + kind + (status > 0 && kind == Kind.HTTP_ERROR ? " " + status : "")
                + (errorCode != null ? " " + errorCode : "") + (latencyMillis > 0 ? " " + latencyMillis + "ms" : "")
                + (remaining >= 0 ? ", remaining=" + remaining : "") + (random != null ? ", p=" + probability : "")
                + (eventId != null ? ", eventId=" + eventId : "") + ", fired=" + fired + '}';
    }
}
