package io.fooproxy.frontend.config;

import static java.util.Objects.requireNonNull;

/**
 * The settings SIGHUP can change while the relay runs: its limits and access rules. The relay
 * reads them at each use (an accept, a timeout check, a REQ quota charge), so a reload takes
 * effect without a restart; each read is one volatile load. Thread-safe.
 */
public final class LiveSettings {
    private volatile Limits limits;
    private volatile AccessRules access;

    public LiveSettings(Limits limits, AccessRules access) {
        this.limits = requireNonNull(limits, "limits");
        this.access = requireNonNull(access, "access");
    }

    public static LiveSettings of(FrontendConfig config) {
        return new LiveSettings(config.limits(), config.access());
    }

    public Limits limits() {
        return limits;
    }

    public AccessRules access() {
        return access;
    }

    /** Puts the limits and access rules of {@code config} in force. */
    public void apply(FrontendConfig config) {
        requireNonNull(config, "config");
        this.limits = config.limits();
        this.access = config.access();
    }
}
