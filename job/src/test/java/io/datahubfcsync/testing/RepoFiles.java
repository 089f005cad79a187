package io.datahubfcsync.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Files at the top of the repository (README.md, flink-conf/, deploy/, bench/) that tests check
 * against the code. Tests run in their module's directory, so the build passes the repository's
 * root as {@code repo.root}; without it (a test started from an IDE in the module) the parent
 * directory is taken when it holds README.md.
 */
public final class RepoFiles {
    private RepoFiles() {}

    public static Path root() {
        String configured = System.getProperty("repo.root");
        if (configured != null && !configured.isBlank())
            return Path.of(configured).toAbsolutePath().normalize();
        Path here = Path.of("").toAbsolutePath();
        if (Files.exists(here.resolve("README.md"))) return here;
        return here.getParent();
    }

    public static Path resolve(String first, String... more) {
        return root().resolve(Path.of(first, more));
    }
}
