package io.datahubfcsync.fc;

import io.datahubfcsync.option.JobOption;
import io.datahubfcsync.option.OptionType;
import java.time.Duration;
import java.util.Optional;

/** The job parameters that say which function is called and how, and FC's own limits. */
public final class FcOptions {
    private FcOptions() {}

    /** FC's limit for the request body of a synchronous invocation. */
    public static final long MAX_SYNC_PAYLOAD_BYTES = 32L * 1024 * 1024;

    public static final JobOption<FcApiVersion> FC_API_VERSION = JobOption.optional(
            "fc.api-version",
            OptionType.of(
                    "`2023-03-30`, `2016-08-15`",
                    FcApiVersion::id,
                    text -> FcApiVersion.byId(text)
                            .orElseThrow(() -> new IllegalArgumentException(
                                    "is not one of 2023-03-30 (FC 3.0), 2016-08-15 (FC 2.0)"))),
            "`2023-03-30` without `fc.service`, `2016-08-15` with it",
            "`2023-03-30` (FC 3.0: a function of its own, as the console creates today) or `2016-08-15` (FC 2.0: a function in `fc.service`)");
    public static final JobOption<String> FC_SERVICE = JobOption.optional(
            "fc.service",
            OptionType.name(),
            "none",
            "FC 2.0 service (API `2016-08-15` only); must exist (checked at start)");
    public static final JobOption<String> FC_FUNCTION =
            JobOption.required("fc.function", OptionType.name(), "FC function; must exist (checked at start)");
    public static final JobOption<String> FC_QUALIFIER =
            JobOption.optional("fc.qualifier", OptionType.name(), "none", "alias or version to invoke");
    public static final JobOption<Duration> FC_READ_TIMEOUT = JobOption.withDefault(
            "fc.read-timeout",
            OptionType.duration(Duration.ofSeconds(1), Duration.ofHours(24)),
            Duration.ofMinutes(10),
            "per invocation; a timeout is a failed attempt");

    /** The API called when {@code fc.api-version} is left out: FC 3.0 without a service, FC 2.0 with one. */
    public static FcApiVersion defaultApiVersion(String service) {
        return service == null ? FcApiVersion.V3_2023_03_30 : FcApiVersion.V2_2016_08_15;
    }

    /** What is wrong with calling {@code version} with this {@code fc.service} (null: none), if anything. */
    public static Optional<String> serviceProblem(FcApiVersion version, String service) {
        if (version == FcApiVersion.V3_2023_03_30 && service != null) {
            return Optional.of(FC_SERVICE.problem(
                    service,
                    "is not used by FC 3.0 (fc.api-version 2023-03-30), whose"
                            + " functions belong to no service: remove --fc.service, or pass --fc.api-version 2016-08-15 for an"
                            + " FC 2.0 function"));
        }
        if (version == FcApiVersion.V2_2016_08_15 && service == null) {
            return Optional.of(FC_SERVICE.problem(
                    "is required with fc.api-version 2016-08-15 (FC 2.0 functions live in a service)"));
        }
        return Optional.empty();
    }
}
