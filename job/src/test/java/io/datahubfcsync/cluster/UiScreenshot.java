package io.datahubfcsync.cluster;

import io.datahubfcsync.testing.RepoFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Runs the repository's {@code deploy/screenshot-ui.sh} against a cluster's web UI, only when asked with
 * {@code -Dui.screenshot=true} (README's {@code docs/flink-ui.png} is made that way). Tests never install a browser and
 * never depend on one: without the flag, or without Chromium on the PATH, there is no screenshot.
 */
public final class UiScreenshot {

    private static final Path SCRIPT = RepoFiles.resolve("deploy", "screenshot-ui.sh");

    private UiScreenshot() {}

    public static boolean browserAvailable() {
        return Boolean.getBoolean("ui.screenshot")
                && (Files.isExecutable(Path.of("/usr/bin/chromium"))
                        || Files.isExecutable(Path.of("/usr/bin/chromium-browser")));
    }

    /** A PNG of {@code page} (e.g. {@code #/job/running/<id>/overview}) or empty when no browser is installed. */
    public static Optional<Path> take(URI uiBase, String page, Path png) {
        if (!browserAvailable()) {
            return Optional.empty();
        }
        Path log = png.resolveSibling(png.getFileName() + ".log");
        try {
            Process process = new ProcessBuilder(
                            "bash", SCRIPT.toString(), uiBase + "/" + page, png.toString(), "1600,1000")
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            if (!process.waitFor(120, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("screenshot of " + page + " did not finish within 120 s");
            }
            if (process.exitValue() != 0) {
                throw new AssertionError(
                        "screenshot of " + page + " failed:\n" + Files.readString(log, StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        return Optional.of(png);
    }
}
