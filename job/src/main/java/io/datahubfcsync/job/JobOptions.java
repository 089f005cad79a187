package io.datahubfcsync.job;

import io.datahubfcsync.credentials.CredentialsOptions;
import io.datahubfcsync.datahub.DataHubProtocol;
import io.datahubfcsync.delivery.DeliveryOptions;
import io.datahubfcsync.fc.FcOptions;
import io.datahubfcsync.option.JobOption;
import io.datahubfcsync.option.OptionType;
import io.datahubfcsync.source.config.SourceOptions;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Every job parameter a user can pass as {@code --key value}: the single list that parsing, the
 * "unknown key" message and the README table are made from (a test keeps README in step). Each
 * part of the pipeline defines its own options ({@link DeliveryOptions}, {@link SourceOptions},
 * {@link FcOptions}, {@link CredentialsOptions}); this class adds those of the job itself: where
 * the services are and what to read.
 */
public final class JobOptions {
    private JobOptions() {}

    public static final JobOption<String> DATAHUB_ENDPOINT = JobOption.required(
            "datahub.endpoint",
            endpoint(),
            "DataHub endpoint, e.g. `https://dh-cn-hangzhou-int-vpc.aliyuncs.com`; `http://` only for loopback");
    public static final JobOption<String> DATAHUB_PROJECT =
            JobOption.required("datahub.project", OptionType.name(), "source project");
    public static final JobOption<String> DATAHUB_TOPIC =
            JobOption.required("datahub.topic", OptionType.name(), "source topic (TUPLE or BLOB)");
    public static final JobOption<String> FC_ENDPOINT = JobOption.required(
            "fc.endpoint",
            endpoint(),
            "`https://<account_id>.<region>-internal.fc.aliyuncs.com`; a public endpoint needs `fc.allow-public-endpoint=true`; `http://` only for loopback");
    public static final JobOption<Boolean> FC_ALLOW_PUBLIC_ENDPOINT = JobOption.withDefault(
            "fc.allow-public-endpoint", OptionType.bool(), false, "allow a public (Internet) FC endpoint");
    public static final JobOption<String> FC_ACCOUNT_ID = JobOption.optional(
            "fc.account-id",
            matching("digits", "\\d+", "must be the numeric account id"),
            "from `fc.endpoint`",
            "Alibaba Cloud account id that owns the function");
    public static final JobOption<String> REGION = JobOption.optional(
            "region",
            matching("e.g. `cn-hangzhou`", "[a-z0-9-]+", "must look like cn-hangzhou"),
            "from `fc.endpoint`",
            "the event's `region`");
    public static final JobOption<DataHubProtocol> DATAHUB_PROTOCOL = JobOption.withDefault(
            "datahub.protocol",
            OptionType.choice(DataHubProtocol.class),
            DataHubProtocol.PROTOBUF,
            "`protobuf` or `json`");
    public static final JobOption<String> DATAHUB_SUBSCRIPTION = JobOption.optional(
            "datahub.subscription",
            matching(
                    "an id, `auto`",
                    "auto|[A-Za-z0-9]{1,64}",
                    "must be a subscription id (letters and digits, as the DataHub console shows it) or `auto`"),
            "none",
            "a subscription id of the topic, or `auto` (one named after the job, created at the first start): after each completed checkpoint the delivered position of every shard is committed there, so DataHub's console shows the job's progress; only for watching, positions come from Flink state");

    private static final List<JobOption<?>> ALL = all();

    private static List<JobOption<?>> all() {
        List<JobOption<?>> all = new ArrayList<>(List.of(
                DATAHUB_ENDPOINT,
                DATAHUB_PROJECT,
                DATAHUB_TOPIC,
                FC_ENDPOINT,
                FC_ALLOW_PUBLIC_ENDPOINT,
                FC_ACCOUNT_ID,
                FcOptions.FC_API_VERSION,
                FcOptions.FC_SERVICE,
                FcOptions.FC_FUNCTION,
                FcOptions.FC_QUALIFIER,
                REGION));
        all.addAll(SourceOptions.startAndStop());
        List<JobOption<?>> delivery = new ArrayList<>(DeliveryOptions.all());
        // the read timeout sits with the delivery settings in the table: it bounds one attempt
        delivery.add(delivery.indexOf(DeliveryOptions.EVENT_BLOB_ENCODING) + 1, FcOptions.FC_READ_TIMEOUT);
        all.addAll(delivery);
        all.addAll(SourceOptions.reading());
        all.add(DATAHUB_PROTOCOL);
        all.add(DATAHUB_SUBSCRIPTION);
        all.addAll(CredentialsOptions.all());
        return Collections.unmodifiableList(all);
    }

    /** Every option, in the README's order. */
    public static List<JobOption<?>> values() {
        return ALL;
    }

    public static Optional<JobOption<?>> byKey(String key) {
        return ALL.stream().filter(o -> o.key().equals(key)).findFirst();
    }

    public static List<String> keys() {
        return ALL.stream().map(JobOption::key).toList();
    }

    /** The closest valid key to a mistyped one, if any is close enough to be a plausible typo. */
    public static Optional<String> closestKey(String typed) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (JobOption<?> o : ALL) {
            int d = editDistance(typed, o.key());
            if (d < bestDistance) {
                bestDistance = d;
                best = o.key();
            }
        }
        // also catch a missing prefix, e.g. "project" for "datahub.project"
        for (JobOption<?> o : ALL) {
            if (o.key().endsWith("." + typed) || o.key().endsWith("-" + typed)) return Optional.of(o.key());
        }
        return bestDistance <= Math.max(2, typed.length() / 3) ? Optional.of(best) : Optional.empty();
    }

    /** Prints the README's parameter table: {@code java -cp target/classes io.datahubfcsync.job.JobOptions}. */
    public static void main(String[] args) {
        System.out.print(markdownTable());
    }

    /** The README's parameter table, generated from the option definitions. */
    public static String markdownTable() {
        StringBuilder b = new StringBuilder("| key | default | allowed | meaning |\n|---|---|---|---|\n");
        for (JobOption<?> o : ALL) {
            b.append("| `")
                    .append(o.key())
                    .append("` | ")
                    .append(o.defaultText())
                    .append(" | ")
                    .append(o.allowed())
                    .append(" | ")
                    .append(o.description())
                    .append(" |\n");
        }
        return b.toString();
    }

    /** An http(s) URL by the endpoint rules, without a trailing slash. */
    private static OptionType<String> endpoint() {
        return OptionType.of("a URL", url -> url, text -> {
            String s = Endpoints.checkUrl(text).toString();
            return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
        });
    }

    private static OptionType<String> matching(String allowed, String regex, String otherwise) {
        Pattern pattern = Pattern.compile(regex);
        return OptionType.of(allowed, text -> text, text -> {
            if (!pattern.matcher(text).matches()) throw new IllegalArgumentException(otherwise);
            return text;
        });
    }

    private static int editDistance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) prev[j] = j;
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int sub = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                cur[j] = Math.min(sub, Math.min(prev[j] + 1, cur[j - 1] + 1));
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
