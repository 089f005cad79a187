package io.datahubfcsync.local.fc;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How the emulator answers an invocation, the same for FC 2.0 and FC 3.0 but for the API's
 * {@link FcWire}: the checks of the invocation headers and the body size, the faults, running the
 * hosted function (synchronously, or later for an async call), and the invocation log. Each API's
 * handler keeps what is its own: routing, authentication and where it looks functions up.
 */
final class InvocationAnswers {
    private static final Logger LOG = LoggerFactory.getLogger(InvocationAnswers.class);
    /** FC returns the last 4 KB of the function's log with {@code X-Fc-Log-Type: Tail}. */
    private static final int LOG_TAIL_BYTES = 4096;

    private final FcEmulator fc;
    private final FcWire wire;
    private final ExecutorService asyncRuns;

    InvocationAnswers(FcEmulator fc, FcWire wire, ExecutorService asyncRuns) {
        this.fc = fc;
        this.wire = wire;
        this.asyncRuns = asyncRuns;
    }

    /**
     * Answers the call with {@code answer} and records it in the invocation log, counted as in flight
     * while it is answered.
     */
    HttpMessage.Response recorded(HttpMessage.Request req, Call call, Callable<Answer> answer) throws Exception {
        Instant received = Instant.now();
        long index = fc.invocations().nextIndex();
        fc.invocations().enter();
        try {
            Answer a = answer.call();
            fc.invocations()
                    .add(new InvocationRecord(
                            index,
                            call.service(),
                            call.qualifier(),
                            call.function(),
                            req.body(),
                            received,
                            Instant.now(),
                            a.outcome(),
                            a.response().status(),
                            call.requestId(),
                            a.errorType(),
                            a.injected()));
            return a.response();
        } finally {
            fc.invocations().exit();
        }
    }

    /** The invocation and log type headers and the body size, checked as FC checks them; null when all pass. */
    Answer rejected(HttpMessage.Request req, String requestId) {
        String invocationType = req.header("X-Fc-Invocation-Type");
        boolean async = "Async".equals(invocationType);
        if (invocationType != null && !async && !"Sync".equals(invocationType)) {
            return httpError(wire.error(
                    requestId,
                    400,
                    "InvalidArgument",
                    "InvocationType is set to an invalid value" + " (allowed: Sync | Async, actual: '" + invocationType
                            + "')"));
        }
        String logType = req.header("X-Fc-Log-Type");
        if (logType != null && !logType.equals("Tail") && !logType.equals("None")) {
            return httpError(wire.error(
                    requestId,
                    400,
                    "InvalidArgument",
                    "LogType is set to an invalid value (allowed: Tail | None, actual: '" + logType + "')"));
        }
        int limit = async ? FcEmulator.MAX_ASYNC_PAYLOAD_BYTES : FcEmulator.MAX_SYNC_PAYLOAD_BYTES;
        if (req.bodyLength() > limit) {
            return httpError(wire.error(
                    requestId,
                    400,
                    "EntityTooLarge",
                    "payload size exceeds maximum allowed size (" + limit + " bytes)"));
        }
        return null;
    }

    /**
     * Runs {@code function} for an accepted call, unless a planned fault answers instead (after any
     * injected latency). An async call is answered 202 at once and runs on another thread.
     */
    Answer run(HttpMessage.Request req, Call call, DeployedFunction function) throws InterruptedException {
        FaultPlan.Decision decision =
                fc.faults().decide(new InvocationTarget(call.service(), call.function(), req.body()));
        if (decision.latencyMillis() > 0) Thread.sleep(decision.latencyMillis());
        Fault fault = decision.answer();
        if (fault != null) return injected(fault, call);

        String requestId = call.requestId();
        LocalContext context = new LocalContext(requestId, function, call.qualifier());
        if ("Async".equals(req.header("X-Fc-Invocation-Type"))) {
            asyncRuns.execute(() -> {
                DeployedFunction.Result r = function.invoke(req.body(), context);
                if (r.failed())
                    LOG.warn(
                            "async invocation {} of {} failed: {}",
                            requestId,
                            call.path(),
                            new String(r.body(), StandardCharsets.UTF_8));
            });
            return new Answer(wire.base(202, requestId).build(), InvocationRecord.Outcome.ACCEPTED_ASYNC, null, false);
        }
        DeployedFunction.Result result = function.invoke(req.body(), context);
        HttpMessage.Response.Builder response = wire.base(200, requestId)
                .header("Content-Type", result.failed() ? "application/json" : "application/octet-stream");
        if ("Tail".equals(req.header("X-Fc-Log-Type")))
            response.header(wire.logResultHeader, logTail(context.logText()));
        if (result.failed()) {
            response.header(wire.errorTypeHeader, "UnhandledInvocationError");
            return new Answer(
                    response.body(result.body()).build(),
                    InvocationRecord.Outcome.FUNCTION_ERROR,
                    "UnhandledInvocationError",
                    false);
        }
        return new Answer(response.body(result.body()).build(), InvocationRecord.Outcome.SUCCESS, null, false);
    }

    private Answer injected(Fault fault, Call call) {
        String requestId = call.requestId();
        switch (fault.kind()) {
            case DROP_CONNECTION:
                return new Answer(HttpMessage.Response.DROP, InvocationRecord.Outcome.DROPPED, null, true);
            case FUNCTION_ERROR:
            case HANDLED_FUNCTION_ERROR: {
                String type = fault.kind() == Fault.Kind.FUNCTION_ERROR
                        ? "UnhandledInvocationError"
                        : "HandledInvocationError";
                byte[] body = DeployedFunction.errorBody(fault.message(), "java.lang.RuntimeException", null, null);
                HttpMessage.Response r = wire.base(200, requestId)
                        .header("Content-Type", "application/json")
                        .header(wire.errorTypeHeader, type)
                        .body(body)
                        .build();
                return new Answer(r, InvocationRecord.Outcome.FUNCTION_ERROR, type, true);
            }
            case HTTP_ERROR: {
                if (fault.rawBody() != null) {
                    HttpMessage.Response.Builder b =
                            wire.base(fault.status(), requestId).body(fault.rawBody());
                    if (fault.rawContentType() != null) b.header("Content-Type", fault.rawContentType());
                    return new Answer(b.build(), InvocationRecord.Outcome.HTTP_ERROR, null, true);
                }
                String message = fault.message() != null
                        ? fault.message()
                        : wire.standardMessage(fault.errorCode(), call.service(), call.function());
                return new Answer(
                        wire.error(requestId, fault.status(), fault.errorCode(), message),
                        InvocationRecord.Outcome.HTTP_ERROR,
                        fault.errorCode(),
                        true);
            }
            default:
                throw new IllegalStateException("not an answering fault: " + fault);
        }
    }

    /** A call refused with an error status, logged under the error's code. */
    Answer httpError(HttpMessage.Response error) {
        return new Answer(error, InvocationRecord.Outcome.HTTP_ERROR, wire.errorCodeOf(error), false);
    }

    /** Base64 of the log's last {@value #LOG_TAIL_BYTES} bytes, the form of the log result header. */
    static String logTail(String logText) {
        byte[] bytes = logText.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > LOG_TAIL_BYTES)
            bytes = Arrays.copyOfRange(bytes, bytes.length - LOG_TAIL_BYTES, bytes.length);
        return Base64.getEncoder().encodeToString(bytes);
    }

    /**
     * One invocation as the log records it.
     *
     * @param service the FC 2.0 service, null for an FC 3.0 call
     * @param qualifier the alias or version as the API's handler resolved it, null for none
     */
    record Call(String requestId, String service, String qualifier, String function) {
        String path() {
            return service == null ? function : service + "/" + function;
        }
    }

    /** A response and how the invocation log records it. */
    record Answer(
            HttpMessage.Response response, InvocationRecord.Outcome outcome, String errorType, boolean injected) {}

    /** A hosted function found for a call, or the error answer saying why there is none. */
    record Lookup(DeployedFunction function, HttpMessage.Response error) {
        static Lookup found(DeployedFunction function) {
            return new Lookup(function, null);
        }

        static Lookup error(HttpMessage.Response error) {
            return new Lookup(null, error);
        }
    }
}
