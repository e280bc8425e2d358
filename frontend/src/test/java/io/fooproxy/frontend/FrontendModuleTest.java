package io.fooproxy.frontend;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.inject.Guice;
import com.google.inject.Injector;
import io.fooproxy.frontend.config.FrontendCommandLine;
import io.fooproxy.frontend.config.FrontendConfig;
import io.fooproxy.frontend.relay.FrontendServer;
import io.fooproxy.frontend.relay.Transport;
import io.fooproxy.frontend.sniff.MessageType;
import io.fooproxy.frontend.sniff.TrafficSink;
import io.fooproxy.frontend.stats.LocalCounters;
import io.fooproxy.frontend.stats.StatsPrinter;
import io.fooproxy.frontend.stats.StatsSource;
import io.fooproxy.frontend.telemetry.PublisherStatsSource;
import io.fooproxy.frontend.telemetry.TelemetryAggregator;
import io.fooproxy.frontend.telemetry.TelemetryPublisher;
import io.grpc.ManagedChannel;
import org.junit.jupiter.api.Test;

class FrontendModuleTest {

    @Test
    void everySniffedEventReachesBothTheLocalCountersAndTheTelemetry() {
        FrontendConfig config = FrontendCommandLine.parse("-listen", "127.0.0.1:0").toConfig(() -> "box");
        Injector injector = Guice.createInjector(new FrontendModule(config));

        LocalCounters counters = injector.getInstance(LocalCounters.class);
        TelemetryAggregator telemetry = injector.getInstance(TelemetryAggregator.class);
        injector.getInstance(TrafficSink.class).onMessage(MessageType.REQ);

        assertThat(counters.toStats().getMsgReq()).isEqualTo(1);
        TelemetryAggregator.Drain drained = telemetry.drainAll();
        assertThat(drained.buckets().stream().mapToLong(TelemetryAggregator.Bucket::requests).sum()
                + drained.totals().requests()).isEqualTo(1);
        assertThat(injector.getInstance(StatsSource.class)).isInstanceOf(PublisherStatsSource.class);
        assertThat(injector.getInstance(TelemetryPublisher.class)).isSameAs(injector.getInstance(TelemetryPublisher.class));
        injector.getInstance(ManagedChannel.class).shutdownNow();
        assertThat(injector.getInstance(FrontendServer.class)).isSameAs(injector.getInstance(FrontendServer.class));
        assertThat(injector.getInstance(StatsPrinter.class)).isNotNull();
        assertThat(injector.getInstance(FrontendConfig.class)).isSameAs(config);
        assertThat(injector.getInstance(Transport.class)).hasToString(Transport.preferred().toString());
    }

    @Test
    void telemetryOffFeedsOnlyTheLocalCountersAndPrintsThem() {
        FrontendConfig config = FrontendCommandLine.parse("-listen", "127.0.0.1:0", "-telemetry", "off")
                .toConfig(() -> "box");
        Injector injector = Guice.createInjector(new FrontendModule(config));

        LocalCounters counters = injector.getInstance(LocalCounters.class);
        assertThat(injector.getInstance(TrafficSink.class)).isSameAs(counters);
        assertThat(injector.getInstance(StatsSource.class)).isSameAs(counters);
        injector.getInstance(TrafficSink.class).onMessage(MessageType.REQ);
        assertThat(counters.toStats().getMsgReq()).isEqualTo(1);
        assertThat(injector.getInstance(TelemetryAggregator.class).drainAll().totals().isZero()).isTrue();
    }
}
