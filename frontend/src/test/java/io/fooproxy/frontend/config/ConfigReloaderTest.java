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
    private final List<FrontendConfig> put = new ArrayList<>();
    private final FrontendConfig initial = withFile(FrontendConfigTest.valid(), "INFO", "localhost:8001");
    private final AtomicReference<Object> next = new AtomicReference<>(initial);

    private final ConfigReloader reloader = new ConfigReloader(() -> {
        if (next.get() instanceof ConfigException e) {
            throw e;
        }
        return (FrontendConfig) next.get();
    }, initial, applied::add, put::add);

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
    void appliesNewLimitsAndAccessRulesAndKeepsTheRestartKeys() {
        FrontendConfig next = withFile(initial, "INFO", "elsewhere:9")
                .withLimits(initial.limits().withMaxConnections(3).withReqQuota(10, 0))
                .withAccess(new AccessRules(AccessRules.parseList("10.0.0.0/8"), AccessRules.parseList("10.9.0.0/16")));
        this.next.set(next);

        reloader.reload();

        assertThat(applied).as("log level unchanged").isEmpty();
        assertThat(put).hasSize(1);
        FrontendConfig inForce = put.get(0);
        assertThat(inForce.limits()).isEqualTo(next.limits());
        assertThat(inForce.access()).isEqualTo(next.access());
        assertThat(inForce.forward()).as("needs a restart").isEqualTo(initial.forward());
        assertThat(reloader.current()).isEqualTo(inForce);

        reloader.reload(); // the same file again: nothing more to apply
        assertThat(put).hasSize(1);
    }

    @Test
    void keepsTheRunningSettingsWhenTheFileNoLongerParses() {
        next.set(new ConfigException("listen", "port 99999 out of range"));
        reloader.reload();
        assertThat(applied).isEmpty();
        assertThat(put).isEmpty();
        assertThat(reloader.current()).isEqualTo(initial);
    }

    @Test
    void withoutAConfigFileThereIsNothingToReload() {
        FrontendConfig noFile = FrontendConfigTest.valid();
        List<String> calls = new ArrayList<>();
        ConfigReloader r = new ConfigReloader(() -> {
            calls.add("read");
            return noFile;
        }, noFile, applied::add, put::add);
        r.reload();
        assertThat(calls).isEmpty();
        assertThat(applied).isEmpty();
    }

    private static FrontendConfig withFile(FrontendConfig c, String logLevel, String forward) {
        return new FrontendConfig(c.listen(), Endpoint.parse(forward), c.backend(), c.frontendId(), c.flushInterval(),
                logLevel, c.limits(), c.access(), Optional.of(Path.of("frontend.properties")));
    }
}
