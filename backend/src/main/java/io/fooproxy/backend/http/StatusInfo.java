package io.fooproxy.backend.http;

import static java.util.Objects.requireNonNull;

import io.fooproxy.backend.ListenerHealth;
import java.util.List;

/** What {@code /status} shows besides health and stats: the version and the listeners. */
public record StatusInfo(String version, List<ListenerHealth> listeners) {
    public StatusInfo {
        requireNonNull(version, "version");
        listeners = List.copyOf(requireNonNull(listeners, "listeners"));
    }
}
