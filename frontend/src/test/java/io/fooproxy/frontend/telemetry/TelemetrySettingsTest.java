package io.fooproxy.frontend.telemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class TelemetrySettingsTest {

    @Test
    void defaultsAreTheDocumentedOnes() {
        TelemetrySettings s = TelemetrySettings.defaults("fe-1");
        assertThat(s.frontendId()).isEqualTo("fe-1");
        assertThat(s.flushInterval()).isEqualTo(Duration.ofMillis(100));
        assertThat(s.heartbeatInterval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(s.backoffMin()).isEqualTo(Duration.ofMillis(100));
        assertThat(s.backoffMax()).isEqualTo(Duration.ofSeconds(5));
        assertThat(s.maxInFlightBatches()).isEqualTo(64);
        assertThat(s.bucketRetention()).isEqualTo(Duration.ofSeconds(10));
        assertThat(s.maxBufferedBuckets()).isEqualTo(10_000);
        assertThat(s.ackTimeout()).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void rejectsBadValuesNamingTheKey() {
        TelemetrySettings s = TelemetrySettings.defaults("fe-1");
        assertThatThrownBy(() -> TelemetrySettings.defaults(" "))
                .hasMessageStartingWith("frontendId:");
        assertThatThrownBy(() -> s.withFlushInterval(Duration.ZERO))
                .hasMessageStartingWith("flushInterval:");
        assertThatThrownBy(() -> s.withHeartbeatInterval(Duration.ofMillis(10)))
                .hasMessageStartingWith("heartbeatInterval:");
        assertThatThrownBy(() -> s.withBackoff(Duration.ofSeconds(2), Duration.ofSeconds(1)))
                .hasMessageStartingWith("backoffMax:");
        assertThatThrownBy(() -> s.withMaxInFlightBatches(0))
                .hasMessageStartingWith("maxInFlightBatches:");
        assertThatThrownBy(() -> s.withMaxBufferedBuckets(0))
                .hasMessageStartingWith("maxBufferedBuckets:");
        assertThatThrownBy(() -> s.withAckTimeout(Duration.ofMillis(-1)))
                .hasMessageStartingWith("ackTimeout:");
    }
}
