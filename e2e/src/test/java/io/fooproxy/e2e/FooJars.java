package io.fooproxy.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where the packaged runnable jars are: the reactor builds this module after the others. */
final class FooJars {
    private FooJars() {}

    static Path root() {
        String root = System.getProperty("foo.root", "..");
        return Path.of(root).toAbsolutePath().normalize();
    }

    static Path frontend() {
        return existing("frontend/target/foo-proxy-frontend.jar");
    }

    static Path backend() {
        return existing("backend/target/foo-proxy-backend.jar");
    }

    static Path testkit() {
        return existing("testkit/target/foo-proxy-testkit.jar");
    }

    static Path cli() {
        return existing("cli/target/foo-proxy-cli.jar");
    }

    private static Path existing(String relative) {
        Path jar = root().resolve(relative);
        assertThat(jar).as("packaged jar (run the reactor with 'mvn verify')").exists();
        assertThat(Files.isRegularFile(jar)).isTrue();
        return jar;
    }
}
