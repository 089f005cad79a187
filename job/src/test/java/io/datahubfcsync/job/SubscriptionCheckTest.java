package io.datahubfcsync.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.datahubfcsync.local.datahub.DataHubEmulator;
import io.datahubfcsync.local.function.DemoFunction;
import io.datahubfcsync.progress.SubscriptionResolver;
import io.datahubfcsync.testing.LocalKitExtension;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code datahub.subscription} at submission: resolved once, a wrong id or value is one clear paragraph. */
class SubscriptionCheckTest {
    @RegisterExtension
    static final LocalKitExtension KIT =
            LocalKitExtension.topic("proj", "orders", 2, null).function("svc", "fn", new DemoFunction());

    private static String[] args(String... extra) {
        List<String> a = KIT.jobArgs();
        a.addAll(List.of(extra));
        return a.toArray(new String[0]);
    }

    /** What submission does after the start-up checks. */
    private static JobPlan prepare(String... extra) {
        return SubscriptionCheck.resolve(JobPlan.of(JobConfig.fromMap(JobConfig.parseArgs(args(extra)))));
    }

    @Test
    void withoutTheOptionNothingIsMirrored() {
        assertThat(prepare().subscriptionMirror()).isNull();
    }

    @Test
    void anExistingIdIsKeptAndAutoCreatesOneSubscriptionForTheJobThatLaterStartsFindAgain() {
        String given = KIT.datahub().createSubscription("proj", "orders", "made in the console");
        assertThat(prepare("--datahub.subscription", given).subscriptionId()).isEqualTo(given);

        JobPlan first = prepare("--datahub.subscription", "auto");
        JobPlan second = prepare("--datahub.subscription", "auto");
        assertThat(first.subscriptionId()).isNotEqualTo(given).isEqualTo(second.subscriptionId());
        assertThat(first.subscriptionMirror()).isNotNull();
        assertThat(KIT.datahub().subscriptionIds("proj", "orders"))
                .containsExactlyInAnyOrder(given, first.subscriptionId());
        assertThat(SubscriptionResolver.commentFor(first.jobName())).contains(first.jobName());
    }

    @Test
    void anIdTheTopicDoesNotHaveFailsTheStartNamingTheOptionAndWhatToDo() {
        assertThatThrownBy(() -> prepare("--datahub.subscription", "1700000000000nope"))
                .isInstanceOf(JobStartupException.class)
                .hasMessageContaining("datahub.subscription '1700000000000nope' does not exist in topic proj/orders")
                .hasMessageContaining("`auto`")
                .hasMessageNotContaining(DataHubEmulator.TEST_ACCESS_KEY_SECRET);
    }

    @Test
    void subscriptionsDataHubWillNotListFailTheStartNamingTheOptionAndWhatToCheck() {
        try (DataHubEmulator refusing =
                DataHubEmulator.builder().withoutTestCredentials().start()) {
            refusing.createProject("proj").createTopic("proj", "orders", 2, null);
            String[] a = args("--datahub.subscription", "auto");
            a[1] = refusing.endpoint();
            assertThatThrownBy(() -> SubscriptionCheck.resolve(JobPlan.of(JobConfig.fromMap(JobConfig.parseArgs(a)))))
                    .isInstanceOf(JobStartupException.class)
                    .hasMessageContaining("datahub.subscription: the subscriptions of topic proj/orders cannot be read")
                    .hasMessageContaining("rejected the credentials")
                    .hasMessageContaining("RAM permissions")
                    .hasMessageNotContaining(DataHubEmulator.TEST_ACCESS_KEY_SECRET);
            assertThat(refusing.subscriptionIds("proj", "orders")).isEmpty();
        }
    }

    @Test
    void aValueThatCannotBeAnIdIsAParameterError() {
        assertThatThrownBy(() -> JobConfig.fromMap(JobConfig.parseArgs(args("--datahub.subscription", "my sub!"))))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("--datahub.subscription 'my sub!'");
    }
}
