package io.datahubfcsync.fc;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The FC 2.0 SDK's synchronous client runs on the JDK's {@code HttpURLConnection}, whose behaviour is
 * set by JVM-wide system properties that the JDK reads once per JVM: {@code sun.net.http.retryPost}
 * when the first HTTP URL connection is opened, {@code http.maxConnections} when the first idle one
 * is kept for reuse. Two defaults are wrong for this job. They are changed here, before this job's
 * first invocation, unless the operator set them explicitly; but if anything in the JVM made an HTTP
 * URL connection earlier, the JDK has already read the defaults and setting them here changes
 * nothing. That is why {@code flink-conf/config.yaml} passes both on the JVM's command line
 * ({@code env.java.opts.all}), and the build passes them to the test JVMs:
 *
 * <ul>
 *   <li>{@code http.maxConnections} (default 5): idle keep-alive connections kept per endpoint. With up
 *       to {@code delivery.max-concurrency} invocations in flight, every connection beyond 5 would be
 *       closed after use and the next call would pay a new TCP + TLS handshake.
 *   <li>{@code sun.net.http.retryPost} (default true): the JDK silently re-sends, once, a POST whose
 *       connection failed before the answer's status line (a read timeout is never re-sent). Each
 *       re-send runs the user's function again without being counted as an attempt; the job's own
 *       retry loop does this visibly instead.
 * </ul>
 */
final class JdkHttpSettings {
    private static final Logger LOG = LoggerFactory.getLogger(JdkHttpSettings.class);
    static final String MAX_CONNECTIONS = "http.maxConnections";
    static final String RETRY_POST = "sun.net.http.retryPost";
    private static final int KEEP_ALIVE_CONNECTIONS = 128;

    private static boolean applied;

    private JdkHttpSettings() {}

    static synchronized void apply() {
        if (applied) return;
        applied = true;
        setIfAbsent(MAX_CONNECTIONS, String.valueOf(KEEP_ALIVE_CONNECTIONS));
        setIfAbsent(RETRY_POST, "false");
    }

    private static void setIfAbsent(String key, String value) {
        String current = System.getProperty(key);
        if (current == null) {
            System.setProperty(key, value);
        } else if (!current.equals(value)) {
            LOG.info("Keeping the explicitly configured -D{}={} (the job would use {})", key, current, value);
        }
    }
}
