package io.datahubfcsync.local.datahub;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.regex.Pattern;

/** Projects and their topics. Thread-safe; topic contents are guarded by each {@link EmulatedTopic}. */
final class DataHubStore {
    private static final Pattern PROJECT_NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_]{2,31}");
    private static final Pattern TOPIC_NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_]{0,127}");

    static final class Project {
        final String name;
        final String comment;
        final long createTimeSeconds;
        final Map<String, EmulatedTopic> topics = new ConcurrentSkipListMap<>();

        Project(String name, String comment, long createTimeSeconds) {
            this.name = name;
            this.comment = comment == null ? "" : comment;
            this.createTimeSeconds = createTimeSeconds;
        }
    }

    private final Map<String, Project> projects = new ConcurrentSkipListMap<>();
    private final Clock clock;
    private final DataHubFaults faults;
    final TopicSubscriptions subscriptions;

    DataHubStore(Clock clock, DataHubFaults faults) {
        this.clock = clock;
        this.faults = faults;
        this.subscriptions = new TopicSubscriptions(clock);
    }

    EmulatedSubscription subscription(String project, String topic, String subId) {
        return subscriptions.get(topic(project, topic), subId);
    }

    Project createProject(String name, String comment) {
        if (name == null || !PROJECT_NAME.matcher(name).matches()) {
            throw ServiceError.invalidParameter(
                    "Project name '" + name + "' is invalid: 3-32 letters, digits or '_', starting with a letter.");
        }
        Project p = new Project(name, comment, clock.millis() / 1000);
        if (projects.putIfAbsent(name, p) != null) {
            throw ServiceError.alreadyExists("ProjectAlreadyExist", "The project '" + name + "' already exists.");
        }
        return p;
    }

    Project project(String name) {
        Project p = projects.get(name);
        if (p == null) throw ServiceError.noSuchProject(name);
        return p;
    }

    List<String> projectNames() {
        return new ArrayList<>(projects.keySet());
    }

    void deleteProject(String name) {
        Project p = project(name);
        if (!p.topics.isEmpty()) {
            throw new ServiceError(400, "InvalidParameter", "The project '" + name + "' still has topics.");
        }
        projects.remove(name, p);
    }

    EmulatedTopic createTopic(
            String project,
            String topic,
            int shardCount,
            int lifecycleDays,
            TopicSchema schema,
            String comment,
            String expandMode) {
        Project p = project(project);
        if (topic == null || !TOPIC_NAME.matcher(topic).matches()) {
            throw ServiceError.invalidParameter(
                    "Topic name '" + topic + "' is invalid: 1-128 letters, digits or '_', starting with a letter.");
        }
        EmulatedTopic t = new EmulatedTopic(
                project, topic, shardCount, lifecycleDays, schema, comment, expandMode, clock, faults);
        if (p.topics.putIfAbsent(topic, t) != null) {
            throw ServiceError.alreadyExists(
                    "TopicAlreadyExist", "The topic '" + topic + "' already exists in project '" + project + "'.");
        }
        return t;
    }

    EmulatedTopic topic(String project, String topic) {
        EmulatedTopic t = project(project).topics.get(topic);
        if (t == null) throw ServiceError.noSuchTopic(project, topic);
        return t;
    }

    void deleteTopic(String project, String topic) {
        topic(project, topic);
        project(project).topics.remove(topic);
    }

    List<EmulatedTopic> allTopics() {
        List<EmulatedTopic> all = new ArrayList<>();
        for (Project p : projects.values()) all.addAll(p.topics.values());
        return all;
    }
}
