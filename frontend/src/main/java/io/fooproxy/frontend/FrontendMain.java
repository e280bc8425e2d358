package io.fooproxy.frontend;

import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.ProvisionException;
import io.fooproxy.frontend.config.ConfigException;
import io.fooproxy.frontend.config.ConfigReloader;
import io.fooproxy.frontend.config.Endpoint;
import io.fooproxy.frontend.config.FrontendCommandLine;
import io.fooproxy.frontend.config.FrontendConfig;
import io.fooproxy.frontend.config.LiveSettings;
import io.fooproxy.frontend.config.LogbackRootLevel;
import io.fooproxy.frontend.relay.FrontendServer;
import io.fooproxy.frontend.relay.Transport;
import io.fooproxy.frontend.stats.LocalCounters;
import io.fooproxy.frontend.stats.StatsPrinter;
import io.fooproxy.frontend.telemetry.BackendLink;
import io.fooproxy.frontend.telemetry.TelemetryPublisher;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * The frontend process: {@code java -jar foo-proxy-frontend.jar -listen :8002 -forward
 * localhost:8001}. Exit codes: 0 after a signalled stop or {@code -help}, 1 when the listen
 * address cannot be bound, 2 for bad configuration.
 *
 * <p>Signals: USR2 prints the stats JSON line on stdout; TERM and INT stop accepting, drain
 * (up to {@code drain-timeout} for answers in flight), flush telemetry and exit 0; HUP re-reads
 * the {@code -config} file and applies the reloadable keys (log level, limits, access rules).
 */
public final class FrontendMain {
    private static final Logger log = LoggerFactory.getLogger(FrontendMain.class);
    /** How long the last telemetry gets to be acknowledged (durable at the backend) on SIGTERM. */
    private static final Duration TELEMETRY_FLUSH = Duration.ofSeconds(5);

    private FrontendMain() {}

    public static void main(String[] args) {
        // gRPC and friends log through java.util.logging: send that to Logback too
        SLF4JBridgeHandler.removeHandlersForRootLogger();
        SLF4JBridgeHandler.install();

        FrontendCommandLine commandLine;
        FrontendConfig config;
        try {
            commandLine = FrontendCommandLine.parse(args);
            if (commandLine.helpRequested()) {
                System.err.print(commandLine.usage()); // stdout is reserved for stats lines
                System.exit(0);
                return;
            }
            config = commandLine.toConfig(FrontendCommandLine::localHostname);
        } catch (ConfigException e) {
            System.err.println("config error: " + e.getMessage());
            System.exit(2);
            return;
        }
        LogbackRootLevel.apply(config.logLevel());

        Injector injector = Guice.createInjector(new FrontendModule(config));
        FrontendServer server;
        Transport transport;
        try {
            transport = injector.getInstance(Transport.class);
            server = injector.getInstance(FrontendServer.class);
        } catch (ProvisionException e) {
            if (e.getCause() instanceof ConfigException bad) { // e.g. transport=io_uring where the kernel refuses it
                System.err.println("config error: " + bad.getMessage());
                System.exit(2);
                return;
            }
            throw e;
        }
        StatsPrinter printer = injector.getInstance(StatsPrinter.class);
        // telemetry=off: no publisher and no channel to the backend are even created
        TelemetryPublisher telemetry = config.telemetry() ? injector.getInstance(TelemetryPublisher.class) : null;
        BackendLink backendLink = config.telemetry() ? injector.getInstance(BackendLink.class) : null;
        LiveSettings live = injector.getInstance(LiveSettings.class);
        LocalCounters localCounters = injector.getInstance(LocalCounters.class);

        // handlers first, so that a TERM arriving during startup still takes the graceful path
        CountDownLatch stopRequested = new CountDownLatch(1);
        ConfigReloader reloader = new ConfigReloader(
                () -> FrontendCommandLine.parse(args).toConfig(FrontendCommandLine::localHostname),
                config, LogbackRootLevel::apply, live::apply);
        onSignal("USR2", printer::print);
        onSignal("HUP", reloader::reload);
        onSignal("TERM", stopRequested::countDown);
        onSignal("INT", stopRequested::countDown);

        InetSocketAddress bound;
        try {
            bound = server.start();
            // the frontend's own 1 s and 10 s rates come from samples of its totals taken ten
            // times a second, so that the relay reads no clock for them (see LocalCounters)
            server.runPeriodically(localCounters::sampleRates, Duration.ofMillis(LocalCounters.RATE_SAMPLE_MILLIS));
        } catch (IOException e) {
            log.error(e.getMessage());
            System.exit(1);
            return;
        }
        if (telemetry != null) {
            telemetry.start();
            log.info("frontend listening on {} ({}), forwarding to {}, telemetry to {} as {}",
                    Endpoint.of(bound), transport, config.forward(), config.backend(), config.frontendId());
        } else {
            log.info("frontend listening on {} ({}), forwarding to {}, telemetry off (no backend link)",
                    Endpoint.of(bound), transport, config.forward());
        }

        // The stop runs here, on the main thread, exactly once however many signals arrive.
        awaitUninterruptibly(stopRequested);
        log.info("stopping: no longer accepting, draining open connections");
        server.stop(live.limits().drainTimeout()); // the value in force now, reloads included
        if (telemetry != null) {
            // after the relay: everything it counted is in the aggregator now, so this ships it all
            if (telemetry.close(TELEMETRY_FLUSH)) {
                log.info("telemetry flushed: every batch acknowledged by the backend");
            }
            backendLink.close();
        }
        log.info("stopped");
        System.exit(0);
    }

    private static void onSignal(String name, Runnable action) {
        try {
            SignalHandler previous = Signal.handle(new Signal(name), signal -> {
                try {
                    action.run();
                } catch (RuntimeException e) {
                    log.error("SIG{} handling failed", name, e);
                }
            });
            if (previous == SignalHandler.SIG_IGN && name.equals("HUP")) {
                // started under nohup (or by a parent that ignores SIGHUP): the JVM keeps it ignored
                log.warn("SIGHUP was ignored by the parent process (nohup?) and stays ignored: "
                        + "the config file is not reloaded on SIGHUP");
            } else if (previous == SignalHandler.SIG_IGN) {
                // e.g. SIGINT for a background job of a non-interactive shell: the JVM keeps it ignored
                log.debug("SIG{} was ignored by the parent process and stays ignored", name);
            }
        } catch (IllegalArgumentException e) {
            log.warn("SIG{} cannot be handled on this platform: {}", name, e.getMessage());
        }
    }

    private static void awaitUninterruptibly(CountDownLatch latch) {
        while (true) {
            try {
                latch.await();
                return;
            } catch (InterruptedException e) {
                // only a signal ends the process; keep waiting
            }
        }
    }
}
