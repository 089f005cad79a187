package io.datahubfcsync.local.datahub;

import com.aliyun.datahub.client.model.RecordSchema;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * A stateful, in-process Alibaba Cloud DataHub that the real DataHub Java SDK (2.21.6-public) talks
 * to unchanged over HTTP on 127.0.0.1, in JSON and protobuf mode. Requests must be signed with an
 * accepted key (by default the local test pair {@link #TEST_ACCESS_KEY_ID}/{@link #TEST_ACCESS_KEY_SECRET}).
 *
 * <pre>{@code
 * try (DataHubEmulator dh = DataHubEmulator.start()) {
 *     dh.createProject("demo");
 *     dh.createTopic("demo", "events", 2, null);                  // BLOB topic with 2 shards
 *     dh.appendBlob("demo", "events", "0", "hello".getBytes(UTF_8));
 *     DatahubClient client = ... new DatahubConfig(dh.endpoint(), account) ...;
 * }
 * }</pre>
 *
 * <p>The Java API below throws {@link IllegalStateException} with DataHub's error code and message
 * where the HTTP API would answer an error (unknown topic, CLOSED shard, ...).
 */
public final class DataHubEmulator implements AutoCloseable {
    /** The key pair the test JVMs carry in ALIBABA_CLOUD_ACCESS_KEY_ID/SECRET; never a real secret. */
    public static final String TEST_ACCESS_KEY_ID = "LTAI-local-test-key";

    public static final String TEST_ACCESS_KEY_SECRET = "local-test-secret-do-not-use";

    static {
        // Without TCP_NODELAY every small response waits ~40 ms for the client's delayed ACK (Nagle).
        // Read once when the JDK server's config class loads, so set it before the first server exists.
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
    }

    /** Options for {@link #builder()}. */
    public static final class Builder {
        private int port;
        private Clock clock = Clock.systemUTC();
        private boolean testCredentials = true;

        private Builder() {}

        /** A fixed port; default 0 = any free port. */
        public Builder port(int port) {
            this.port = port;
            return this;
        }

        /** The clock for record system times, SYSTEM_TIME cursors and shard close times. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** Do not accept the default test key pair; add keys with {@link #acceptCredentials}. */
        public Builder withoutTestCredentials() {
            this.testCredentials = false;
            return this;
        }

        public DataHubEmulator start() {
            return new DataHubEmulator(this);
        }
    }

    private final DataHubFaults faults = new DataHubFaults();
    private final CallCounts calls = new CallCounts();
    private final AcceptedCredentials credentials = new AcceptedCredentials();
    private final DataHubStore store;
    private final HttpServer server;
    private final ExecutorService executor;

    private DataHubEmulator(Builder b) {
        this.store = new DataHubStore(b.clock, faults);
        if (b.testCredentials) credentials.accept(TEST_ACCESS_KEY_ID, TEST_ACCESS_KEY_SECRET, null);
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), b.port), 64);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot listen on 127.0.0.1:" + b.port + " for the DataHub emulator", e);
        }
        server.createContext("/", new DataHubHttpHandler(store, credentials, faults, calls));
        // One thread per in-flight request: injected latency must not hold up other shards' calls.
        executor = Executors.newCachedThreadPool(
                daemonThreads("datahub-emulator-" + server.getAddress().getPort()));
        server.setExecutor(executor);
        server.start();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Starts an emulator on a free port with the default test credentials and the system clock. */
    public static DataHubEmulator start() {
        return builder().start();
    }

    /** {@code http://127.0.0.1:PORT}, to pass to {@code new DatahubConfig(endpoint, account, ...)}. */
    public String endpoint() {
        return "http://127.0.0.1:" + port();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    // ------------------------------------------------------------------ credentials, faults, counters

    /** Accepts requests signed with this long-term key pair. */
    public DataHubEmulator acceptCredentials(String accessKeyId, String accessKeySecret) {
        credentials.accept(accessKeyId, accessKeySecret, null);
        return this;
    }

    /** Accepts requests signed with this STS key pair that carry exactly this security token. */
    public DataHubEmulator acceptStsCredentials(String accessKeyId, String accessKeySecret, String securityToken) {
        credentials.accept(accessKeyId, accessKeySecret, Objects.requireNonNull(securityToken, "securityToken"));
        return this;
    }

    public DataHubEmulator revokeCredentials(String accessKeyId) {
        credentials.revoke(accessKeyId);
        return this;
    }

    public DataHubFaults faults() {
        return faults;
    }

    public CallCounts calls() {
        return calls;
    }

    // ------------------------------------------------------------------ projects and topics

    public DataHubEmulator createProject(String project) {
        api(() -> store.createProject(project, "created by the emulator API"));
        return this;
    }

    /**
     * Creates a topic with {@code shardCount} ACTIVE shards splitting the key space evenly.
     *
     * @param schema the TUPLE schema, or null for a BLOB topic
     */
    public DataHubEmulator createTopic(String project, String topic, int shardCount, RecordSchema schema) {
        TopicSchema ts = schema == null ? null : TopicSchema.of(schema);
        api(() -> store.createTopic(project, topic, shardCount, 7, ts, "created by the emulator API", ""));
        return this;
    }

    /** The TUPLE schema of a topic, or null for BLOB. */
    public TopicSchema schema(String project, String topic) {
        return api(() -> store.topic(project, topic).schema);
    }

    public List<ShardSnapshot> shards(String project, String topic) {
        return api(() -> store.topic(project, topic).snapshot());
    }

    /** Every retained record of a shard, in sequence order. */
    public List<StoredRecord> records(String project, String topic, String shardId) {
        return api(() -> store.topic(project, topic).records(shardId));
    }

    // ------------------------------------------------------------------ writing directly

    public StoredRecord appendBlob(String project, String topic, String shardId, byte[] data) {
        return appendBlob(project, topic, shardId, data, Map.of());
    }

    public StoredRecord appendBlob(
            String project, String topic, String shardId, byte[] data, Map<String, String> attributes) {
        IncomingRecord r = IncomingRecord.blob(shardId, null, null, attributes, Objects.requireNonNull(data, "data"));
        return api(() -> store.topic(project, topic).append(shardId, r));
    }

    /** Appends a TUPLE record: one string (or null) per schema field, as the SDK writes them. */
    public StoredRecord appendTuple(String project, String topic, String shardId, String... values) {
        return appendTuple(project, topic, shardId, Arrays.asList(values), Map.of());
    }

    public StoredRecord appendTuple(
            String project, String topic, String shardId, List<String> values, Map<String, String> attributes) {
        IncomingRecord r = IncomingRecord.tuple(shardId, null, null, attributes, values);
        return api(() -> store.topic(project, topic).append(shardId, r));
    }

    // ------------------------------------------------------------------ resharding and expiry

    /** Splits an ACTIVE shard at the middle of its key range; returns the two new ACTIVE shards. */
    public List<ShardSnapshot> splitShard(String project, String topic, String shardId) {
        return api(() -> store.topic(project, topic).split(shardId, null));
    }

    /** Splits an ACTIVE shard at {@code splitKey} (32 hex digits strictly inside its range). */
    public List<ShardSnapshot> splitShard(String project, String topic, String shardId, String splitKey) {
        return api(() -> store.topic(project, topic).split(shardId, splitKey));
    }

    /** Merges two adjacent ACTIVE shards; returns the new shard. */
    public ShardSnapshot mergeShard(String project, String topic, String shardId, String adjacentShardId) {
        return api(() -> store.topic(project, topic).merge(shardId, adjacentShardId));
    }

    /** Creates a subscription of the topic, as the console does; returns its id. */
    public String createSubscription(String project, String topic, String comment) {
        return api(() -> store.subscriptions.create(store.topic(project, topic), comment).subId);
    }

    /** Ids of the topic's subscriptions. */
    public List<String> subscriptionIds(String project, String topic) {
        return api(() -> store.subscriptions.list(store.topic(project, topic)).stream()
                .map(s -> s.subId)
                .toList());
    }

    /** The sequence committed per shard to a subscription (-1: nothing committed), as the console shows it. */
    public java.util.Map<String, Long> committedSequences(
            String project, String topic, String subId, List<String> shardIds) {
        return api(() -> {
            java.util.Map<String, Long> out = new java.util.TreeMap<>();
            store.subscription(project, topic, subId).get(shardIds).forEach((shard, o) -> out.put(shard, o.sequence()));
            return out;
        });
    }

    /** The console's "reset offset": later commits with the old version are refused with OffsetReseted. */
    public void resetSubscriptionOffset(String project, String topic, String subId, String shardId, long sequence) {
        api(() -> {
            store.subscription(project, topic, subId).reset(shardId, sequence, store.subscriptions.nowSeconds() * 1000);
            return null;
        });
    }

    /** Takes a subscription offline (commits refused with SubscriptionOffline) or back online. */
    public void setSubscriptionOnline(String project, String topic, String subId, boolean online) {
        api(() -> {
            store.subscription(project, topic, subId).setOnline(online, store.subscriptions.nowSeconds());
            return null;
        });
    }

    /** Expires a shard's records below {@code sequence}, as DataHub's lifecycle would; returns how many. */
    public int expireBefore(String project, String topic, String shardId, long sequence) {
        return api(() -> store.topic(project, topic).expireBefore(shardId, sequence));
    }

    /** Expires, in every topic, the records whose system time is before {@code time}; returns how many. */
    public int expireOlderThan(Instant time) {
        int n = 0;
        for (EmulatedTopic t : store.allTopics()) n += t.expireOlderThan(time.toEpochMilli());
        return n;
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    @Override
    public String toString() {
        return "DataHubEmulator{" + endpoint() + '}';
    }

    private static <T> T api(Supplier<T> call) {
        try {
            return call.get();
        } catch (ServiceError e) {
            throw new IllegalStateException(e.errorCode + ": " + e.getMessage(), e);
        }
    }

    private static ThreadFactory daemonThreads(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
