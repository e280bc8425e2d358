package io.fooproxy.frontend.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DurationsTest {

    @ParameterizedTest
    @CsvSource({"500ms,500000000", "5s,5000000000", "1m,60000000000", "1h,3600000000000", "1.5s,1500000000",
        "1m30s,90000000000", "0,0", "250us,250000", "7ns,7", "0.5ms,500000", "' 2s ',2000000000"})
    void parsesGoStyleDurations(String text, long nanos) {
        assertThat(Durations.parse(text)).isEqualTo(Duration.ofNanos(nanos));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "5", "5x", "s", "abc", "-5s", "1.2.3s", "5 s", "ms5", "1d"})
    void rejectsWhatIsNotADuration(String text) {
        assertThatThrownBy(() -> Durations.parse(text)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aBareNumberAsksForAUnit() {
        assertThatThrownBy(() -> Durations.parse("5")).hasMessage("'5' has no unit (use ms, s, m or h)");
    }

    @Test
    void rejectsWhatDoesNotFit() {
        assertThatThrownBy(() -> Durations.parse("99999999999h")).hasMessageContaining("too long");
    }

    @ParameterizedTest
    @ValueSource(strings = {"50ms", "5s", "1m", "2h", "90s", "1500ms", "250us", "7ns", "0"})
    void formatsToTheShortestNotationItReads(String text) {
        assertThat(Durations.format(Durations.parse(text))).isEqualTo(text);
    }
}
