package io.fooproxy.cli;

import java.time.Duration;
import picocli.CommandLine;

/** Picocli converter for 500ms / 1s / 2m; a bad value is a usage error naming the option. */
final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
        try {
            Duration d = Durations.parse(value);
            if (d.isZero()) {
                throw new CommandLine.TypeConversionException("must be more than 0");
            }
            return d;
        } catch (IllegalArgumentException e) {
            throw new CommandLine.TypeConversionException(e.getMessage());
        }
    }
}
