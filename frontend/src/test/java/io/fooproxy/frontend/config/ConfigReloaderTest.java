package io.fooproxy.frontend.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class ConfigReloaderTest {
    private final List<String> applied = new ArrayList<>();
    private final FrontendConfig initial = withFile(FrontendConfigTest.valid(), "INFO", "localhost:8001");
    private final AtomicReference<Object> next = new AtomicReference<>(initial);

    private final ConfigReloader reloader = new ConfigReloader(() -> {
        if (next.get() instanceof ConfigException e) {
            throw e;
        }
        return (FrontendConfig) next.get();
    }, initial, applied::add);

    @Test
    void appliesANewLogLevel() {
        next.set(withFile(initial, "DEBUG", "localhost:8001"));
        reloader.reload();
        assertThat(applied).containsExactly("DEBUG");
        assertThat(reloader.current().logLevel()).isEqualTo("DEBUG");
    }

    @Test
    void leavesKeysThatNeedARestartAlone() {
        next.set(withFile(initial, "WARN", "elsewhere:9"));
        reloader.reload();
        assertThat(applied).containsExactly("WARN");
        assertThat(reloader.current().forward()).isEqualTo(initial.forward());
        assertThat(reloader.current().logLevel()).isEqualTo("WARN");
    }

    @Test
    void keepsTheRunningSettingsWhenTheFileNoLongerParses() {
        next.set(new ConfigException("listen", "port 99999 out of range"));
        reloader.reload();
        assertThat(applied).isEmpty();
        assertThat(reloader.current()).isEqualTo(initial);
    }

    @Test
    void withoutAConfigFileThereIsNothingToReload() {
        FrontendConfig noFile = FrontendConfigTest.valid();
        List<String> calls = new ArrayList<>();
        ConfigReloader r = new ConfigReloader(() -> {
            calls.add("read");
            return noFile;
        }, noFile, applied::add);
        r.reload();
        assertThat(calls).isEmpty();
        assertThat(applied).isEmpty();
    }

    private static FrontendConfig withFile(FrontendConfig c, String logLevel, String forward) {
        return new FrontendConfig(c.listen(), Endpoint.parse(forward), c.backend(), c.frontendId(), c.maxLineLength(),
                c.connectTimeout(), c.flushInterval(), logLevel, Optional.of(Path.of("frontend.properties")));
    }
}
