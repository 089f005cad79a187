package io.datahubfcsync.fc;

import java.util.Arrays;
import java.util.Optional;

/**
 * Which Function Compute API the job calls. FC 2.0 addresses a function inside a service, with
 * the qualifier in the path; FC 3.0 has no services, a function carries its own versions and
 * aliases, and the qualifier is a query parameter. Functions created in today's console are FC 3.0
 * functions and can only be reached through the 2023-03-30 API.
 */
public enum FcApiVersion {
    /** FC 2.0: {@code POST /2016-08-15/services/{service}[.{qualifier}]/functions/{function}/invocations}. */
    V2_2016_08_15("2016-08-15"),
    /** FC 3.0: {@code POST /2023-03-30/functions/{function}/invocations[?qualifier=]}. */
    V3_2023_03_30("2023-03-30");

    private final String id;

    FcApiVersion(String id) {
        this.id = id;
    }

    /** The API's date, as FC spells it in paths and as users type it. */
    public String id() {
        return id;
    }

    public static Optional<FcApiVersion> byId(String id) {
        return Arrays.stream(values())
                .filter(v -> v.id.equals(id == null ? null : id.trim()))
                .findFirst();
    }

    @Override
    public String toString() {
        return id;
    }
}
