package io.fooproxy.backend.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigReloaderTest {
    @TempDir
    Path dir;

    @Test
    void appliesTheLogLevelAndNamesKeysThatNeedARestart() throws IOException {
        Path file = dir.resolve("backend.properties");
        Files.writeString(file, "log-level=INFO\nhttp=127.0.0.1:7001\n");
        ConfigLoader loader = new ConfigLoader(BackendCommandLine.parse("-config", file.toString()));
        List<LogLevel> applied = new ArrayList<>();
        ConfigReloader reloader = new ConfigReloader(loader, loader.load(), applied::add);

        assertThat(reloader.reload()).isEqualTo(new ConfigReloader.Result(List.of(), List.of()));

        Files.writeString(file, "log-level=DEBUG\nhttp=127.0.0.1:7002\npersist-interval=50ms\n");
        ConfigReloader.Result result = reloader.reload();
        assertThat(result.applied()).containsExactly("log-level");
        assertThat(result.needRestart()).containsExactly("http", "persist-interval");
        assertThat(applied).containsExactly(LogLevel.DEBUG);

        // the restart-only keys keep being reported until someone restarts
        result = reloader.reload();
        assertThat(result.applied()).isEmpty();
        assertThat(result.needRestart()).containsExactly("http", "persist-interval");
    }

    @Test
    void aBadFileChangesNothing() throws IOException {
        Path file = dir.resolve("backend.properties");
        Files.writeString(file, "log-level=INFO\n");
        ConfigLoader loader = new ConfigLoader(BackendCommandLine.parse("-config", file.toString()));
        List<LogLevel> applied = new ArrayList<>();
        ConfigReloader reloader = new ConfigReloader(loader, loader.load(), applied::add);

        Files.writeString(file, "log-level=DEBUG\ngrpc=nonsense\n");
        assertThatThrownBy(reloader::reload).isInstanceOf(ConfigException.class).hasMessageStartingWith("grpc: ");
        assertThat(applied).isEmpty();
    }

    @Test
    void aFlagKeepsWinningOverTheFile() throws IOException {
        Path file = dir.resolve("backend.properties");
        Files.writeString(file, "log-level=INFO\n");
        ConfigLoader loader = new ConfigLoader(BackendCommandLine.parse("-config", file.toString(), "-log-level", "WARN"));
        List<LogLevel> applied = new ArrayList<>();
        ConfigReloader reloader = new ConfigReloader(loader, loader.load(), applied::add);

        Files.writeString(file, "log-level=DEBUG\n");
        assertThat(reloader.reload().applied()).isEmpty();
        assertThat(applied).isEmpty();
    }
}
