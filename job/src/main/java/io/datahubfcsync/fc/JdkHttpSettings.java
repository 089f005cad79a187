package io.datahubfcsync.fc;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The FC SDK's synchronous client runs on the JDK's {@code HttpURLConnection}, whose behaviour is set
 * by JVM-wide system properties read once, when the JDK's HTTP classes are first loaded. Two
 * defaults are wrong for this job and are changed here, before the first invocation, unless the
 * operator set them explicitly (e.g. in {@code env.java.opts.taskmanager}):
 *
 * <ul>
 *   <li>{@code http.maxConnections} (default 5): idle keep-alive connections kept per endpoint. With up
 *       to {@code delivery.max-concurrency} invocations in flight, every connection beyond 5 would be
 *       closed after use and the next call would pay a new TCP + TLS handshake.
 *   <li>{@code sun.net.http.retryPost} (default true): the JDK silently re-sends a POST whose
 *       connection was dropped. Each re-send runs the user's function again without being counted as
 *       an attempt; the job's own retry loop does this visibly instead.
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
