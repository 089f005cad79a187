package io.datahubfcsync.credentials;

import io.datahubfcsync.option.JobOption;
import io.datahubfcsync.option.OptionType;
import java.time.Duration;
import java.util.List;

/** The job parameters that say where credentials come from and how long they may be refused. */
public final class CredentialsOptions {
    private CredentialsOptions() {}

    public static final JobOption<String> CREDENTIALS_FILE = JobOption.optional(
            "credentials.file",
            OptionType.text("a file path"),
            "none",
            "file with `access_key_id`, `access_key_secret`, optional `security_token`, re-read when it changes, instead of the standard Alibaba Cloud credential chain (the default; see below)");

    public static final JobOption<Duration> CREDENTIALS_FAILURE_GRACE = JobOption.withDefault(
            "credentials.failure-grace",
            OptionType.duration(Duration.ZERO, Duration.ofDays(1)),
            Duration.ofMinutes(5),
            "how long DataHub or FC may keep rejecting the credentials (expired token, unknown key, wrong secret, access denied) while the job backs off and re-reads them; such failures never spend a batch's attempts; after it the job fails naming the credential source");

    /** In the order the README lists them. */
    public static List<JobOption<?>> all() {
        return List.of(CREDENTIALS_FILE, CREDENTIALS_FAILURE_GRACE);
    }
}
