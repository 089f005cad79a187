package io.datahubfcsync.cluster;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;

/** Packs the compiled classes of one test-source package into a job jar, as a user's build would. */
public final class TestJobJar {

    private TestJobJar() {}

    /** A jar with every class of {@code mainClass}'s package (nested and lambda classes included). */
    public static Path build(Class<?> mainClass, Path jar) {
        Path classesRoot;
        try {
            classesRoot = Path.of(mainClass
                    .getProtectionDomain()
                    .getCodeSource()
                    .getLocation()
                    .toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        String packageDir = mainClass.getPackageName().replace('.', '/');
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, mainClass.getName());
        try (Stream<Path> files = Files.walk(classesRoot.resolve(packageDir));
                OutputStream out = Files.newOutputStream(jar);
                JarOutputStream jarOut = new JarOutputStream(out, manifest)) {
            List<Path> classes =
                    files.filter(f -> f.toString().endsWith(".class")).sorted().toList();
            if (classes.isEmpty()) {
                throw new IllegalStateException("no compiled classes under " + classesRoot.resolve(packageDir));
            }
            for (Path file : classes) {
                jarOut.putNextEntry(
                        new JarEntry(classesRoot.relativize(file).toString().replace('\\', '/')));
                Files.copy(file, jarOut);
                jarOut.closeEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + jar, e);
        }
        return jar;
    }
}
