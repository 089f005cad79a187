package io.datahubfcsync.local.datahub;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;

/** The subscriptions of every topic, by project, topic and subscription id. Thread-safe. */
final class TopicSubscriptions {
    private static final AtomicLong IDS = new AtomicLong();

    private final Map<String, Map<String, EmulatedSubscription>> byTopic = new ConcurrentHashMap<>();
    private final Clock clock;

    TopicSubscriptions(Clock clock) {
        this.clock = clock;
    }

    /** DataHub's ids are a creation time in ms and a short suffix, e.g. {@code 1700000000000a1b2c}. */
    EmulatedSubscription create(EmulatedTopic topic, String comment) {
        String id = clock.millis() + String.format(Locale.ROOT, "%05x", IDS.incrementAndGet() & 0xfffff);
        EmulatedSubscription s = new EmulatedSubscription(id, comment, clock.millis() / 1000);
        of(topic).put(id, s);
        return s;
    }

    EmulatedSubscription get(EmulatedTopic topic, String subId) {
        EmulatedSubscription s = of(topic).get(subId);
        if (s == null) {
            throw new ServiceError(
                    404,
                    "NoSuchSubscription",
                    "The specified subscription '" + subId + "' does not exist in topic '" + topic.name
                            + "' of project '" + topic.project + "'.");
        }
        return s;
    }

    List<EmulatedSubscription> list(EmulatedTopic topic) {
        return new ArrayList<>(of(topic).values());
    }

    long nowSeconds() {
        return clock.millis() / 1000;
    }

    private Map<String, EmulatedSubscription> of(EmulatedTopic topic) {
        return byTopic.computeIfAbsent(topic.project + "/" + topic.name, k -> new ConcurrentSkipListMap<>());
    }
}
