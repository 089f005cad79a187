package io.datahubfcsync.datahub;

import java.io.Serializable;

/**
 * Builds a {@link DataHubClient} where it is used (enumerator, split reader). Serializable, so it
 * travels in the job graph instead of the non-serializable client.
 */
@FunctionalInterface
public interface DataHubClientFactory extends Serializable {
    DataHubClient create();
}
