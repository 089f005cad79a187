package io.datahubfcsync.delivery;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.datahubfcsync.fc.FunctionInvoker;
import io.datahubfcsync.fc.InvocationOutcome;
import io.datahubfcsync.fc.InvocationResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * A fake {@link FunctionInvoker} for operator unit tests: every call is held on the delivery pool
 * thread until the test answers it, so a test decides when and how each invocation ends and can see
 * which calls are out at the same time.
 */
final class HeldFunction implements FunctionInvoker {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One invocation: what the function received, and the switch that ends it. */
    static final class Call {
        final String shard;
        final List<Long> sequences;
        final String json;
        private final CompletableFuture<InvocationResult> answer = new CompletableFuture<>();

        private Call(String shard, List<Long> sequences, String json) {
            this.shard = shard;
            this.sequences = sequences;
            this.json = json;
        }

        void succeed() {
            answer.complete(InvocationResult.success(200, "ok-" + shard + "-" + sequences.get(0), 1_000_000));
        }

        void fail(String message, String requestId) {
            answer.complete(new InvocationResult(
                    InvocationOutcome.FUNCTION_ERROR,
                    200,
                    requestId,
                    "UnhandledInvocationError",
                    message,
                    1_000_000,
                    1));
        }

        /** FC refuses the credentials (HTTP 403, an expired or unknown key). */
        void refuseCredentials(String requestId) {
            answer.complete(new InvocationResult(
                    InvocationOutcome.AUTH_FAILURE,
                    403,
                    requestId,
                    "InvalidAccessKeyId",
                    "the access key is expired",
                    1_000_000,
                    1));
        }

        boolean answered() {
            return answer.isDone();
        }

        @Override
        public String toString() {
            return shard + ":" + sequences + (answered() ? " answered" : " held");
        }
    }

    private final List<Call> calls = new ArrayList<>();
    private final Map<String, Integer> outPerShard = new HashMap<>();
    private int out;
    private int maxOut;
    private int maxOutOfOneShard;
    private boolean closed;
    private final java.util.Set<String> answeredAtOnce = new java.util.HashSet<>();

    /** From now on calls of {@code shard} succeed at once, without the test answering them. */
    synchronized void succeedAtOnce(String shard) {
        answeredAtOnce.add(shard);
    }

    @Override
    public InvocationResult invoke(byte[] event) {
        Call call = parse(event);
        synchronized (this) {
            calls.add(call);
            out++;
            maxOut = Math.max(maxOut, out);
            int ofShard = outPerShard.merge(call.shard, 1, Integer::sum);
            maxOutOfOneShard = Math.max(maxOutOfOneShard, ofShard);
            if (closed) call.fail("function closed", null);
            else if (answeredAtOnce.contains(call.shard)) call.succeed();
        }
        try {
            return call.answer.join();
        } finally {
            synchronized (this) {
                out--;
                outPerShard.merge(call.shard, -1, Integer::sum);
            }
        }
    }

    /** Every call so far, in the order they reached the function. */
    synchronized List<Call> calls() {
        return new ArrayList<>(calls);
    }

    /** Calls not answered yet. */
    synchronized List<Call> held() {
        return calls.stream().filter(c -> !c.answered()).toList();
    }

    /** Most calls that were out at the same time. */
    synchronized int maxOut() {
        return maxOut;
    }

    /** Most calls of one shard that were out at the same time. */
    synchronized int maxOutOfOneShard() {
        return maxOutOfOneShard;
    }

    /** Sequences of the calls that succeeded, per shard, in the order they were sent. */
    synchronized Map<String, List<Long>> delivered() {
        Map<String, List<Long>> out = new HashMap<>();
        for (Call c : calls) {
            if (c.answered() && c.answer.join().isSuccess()) {
                out.computeIfAbsent(c.shard, s -> new ArrayList<>()).addAll(c.sequences);
            }
        }
        return out;
    }

    /** Ends the calls still held, so pool threads do not outlive the test. */
    @Override
    public synchronized void close() {
        closed = true;
        for (Call c : calls) c.fail("function closed", null);
    }

    private static Call parse(byte[] event) {
        String json = new String(event, StandardCharsets.UTF_8);
        try {
            String shard = null;
            List<Long> sequences = new ArrayList<>();
            for (JsonNode r : JSON.readTree(json).get("records")) {
                String id = r.get("eventId").asText();
                int colon = id.lastIndexOf(':');
                shard = id.substring(0, colon);
                sequences.add(Long.parseLong(id.substring(colon + 1)));
            }
            return new Call(shard, sequences, json);
        } catch (IOException e) {
            throw new UncheckedIOException("the operator sent an event that is not JSON: " + json, e);
        }
    }
}
