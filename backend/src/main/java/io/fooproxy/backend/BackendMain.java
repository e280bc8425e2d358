package io.fooproxy.backend;

import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Stage;
import io.fooproxy.backend.config.BackendCommandLine;
import io.fooproxy.backend.config.BackendConfig;
import io.fooproxy.backend.config.ConfigException;
import io.fooproxy.backend.config.ConfigLoader;
import io.fooproxy.backend.config.ConfigReloader;
import io.fooproxy.backend.config.RootLogLevel;
import java.io.PrintStream;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * The backend process. Exit codes: 0 after SIGTERM/SIGINT (persisted), 1 when it cannot start
 * (a port in use), 2 for bad configuration. stdout carries only the SIGUSR2 stats lines.
 */
public final class BackendMain {
    private static final Logger log = LoggerFactory.getLogger(BackendMain.class);

    private BackendMain() {}

    public static void main(String[] args) {
        SLF4JBridgeHandler.removeHandlersForRootLogger();
        SLF4JBridgeHandler.install(); // gRPC logs through java.util.logging
        // the JDK HTTP server reads requests on its worker threads: drop clients that dawdle
        setIfAbsent("sun.net.httpserver.maxReqTime", "10");
        setIfAbsent("sun.net.httpserver.maxRspTime", "10");
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream stdout, PrintStream stderr) {
        ConfigLoader loader;
        BackendConfig config;
        try {
            BackendCommandLine.Args parsed = BackendCommandLine.parse(args);
            if (parsed.helpRequested()) {
                stderr.print(BackendCommandLine.usage()); // stdout is for stats lines only
                return 0;
            }
            loader = new ConfigLoader(parsed);
            config = loader.load();
        } catch (ConfigException e) {
            stderr.println("config error: " + e.getMessage());
            return 2;
        }
        RootLogLevel.apply(config.logLevel());

        Injector injector = Guice.createInjector(Stage.PRODUCTION, new BackendModule(config, stdout));
        Backend backend = injector.getInstance(Backend.class);
        StatsPrinter printer = injector.getInstance(StatsPrinter.class);
        ConfigReloader reloader = new ConfigReloader(loader, config, RootLogLevel::apply);

        CountDownLatch stop = new CountDownLatch(1);
        AtomicReference<String> stopSignal = new AtomicReference<>();
        // before start, so a SIGTERM during startup is honoured as soon as startup ends
        handle("USR2", printer::print);
        handle("HUP", reloader::reloadAndLog);
        handle("TERM", () -> requestStop(stop, stopSignal, "TERM"));
        handle("INT", () -> requestStop(stop, stopSignal, "INT"));

        try {
            backend.start();
        } catch (StartupException e) {
            stderr.println("error: " + e.getMessage());
            backend.stop();
            return 1;
        }
        try {
            stop.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        log.info("SIG{} received, shutting down", stopSignal.get());
        backend.stop();
        return 0;
    }

    private static void requestStop(CountDownLatch stop, AtomicReference<String> signal, String name) {
        signal.compareAndSet(null, name);
        stop.countDown();
    }

    private static void handle(String signal, Runnable action) {
        try {
            SignalHandler previous = Signal.handle(new Signal(signal), s -> {
                try {
                    action.run();
                } catch (RuntimeException e) {
                    log.error("SIG{} handler failed", signal, e);
                }
            });
            if (previous == SignalHandler.SIG_IGN && signal.equals("HUP")) {
                // started under nohup (or by a parent that ignores SIGHUP): the JVM keeps it ignored
                log.warn("SIGHUP was ignored by the parent process (nohup?) and stays ignored: "
                        + "the config file is not reloaded on SIGHUP");
            }
        } catch (IllegalArgumentException e) {
            // not every platform has every signal (or lets us take it); the rest still works
            log.warn("cannot handle SIG{}: {}", signal, e.getMessage());
        }
    }

    private static void setIfAbsent(String property, String value) {
        if (System.getProperty(property) == null) {
            System.setProperty(property, value);
        }
    }
}
