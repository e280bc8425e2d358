package io.fooproxy.testkit.client;

import static java.util.Objects.requireNonNull;

import io.fooproxy.testkit.load.LoadGenerator;
import io.fooproxy.testkit.load.LoadListener;
import io.fooproxy.testkit.load.LoadResult;
import io.fooproxy.testkit.net.Transport;
import java.io.PrintStream;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The checking Foo client: sends REQs on every connection, checks each answer is an ACK or NAK
 * with the expected Seq, prints a dot per 10 answers (one line), then {@code OK!} or
 * {@code FAILED! <reason>} on its own line.
 */
public final class CheckingClient {
    private final ClientConfig config;
    private final PrintStream out;
    private final Transport transport;

    public CheckingClient(ClientConfig config, PrintStream out) {
        this(config, out, Transport.auto());
    }

    public CheckingClient(ClientConfig config, PrintStream out, Transport transport) {
        this.config = requireNonNull(config, "config");
        this.out = requireNonNull(out, "out");
        this.transport = requireNonNull(transport, "transport");
    }

    /** Outcome of a run: {@code failure} is empty when ok. */
    public record Outcome(boolean ok, String failure, LoadResult load) {}

    public Outcome run() {
        AtomicLong answers = new AtomicLong();
        AtomicLong dots = new AtomicLong();
        LoadListener dotPrinter = new LoadListener() {
            @Override
            public void onAnswer() {
                if (answers.incrementAndGet() % 10 == 0) {
                    dots.incrementAndGet();
                    synchronized (out) {
                        out.print('.');
                        out.flush();
                    }
                }
            }
        };
        LoadResult result = LoadGenerator.run(config.toLoadConfig(), dotPrinter, transport);
        long expected = config.requests() * config.connections();
        String failure = "";
        if (result.errors() > 0 || result.answersReceived() != expected || result.requestsSent() != expected) {
            failure = result.firstError().orElse(String.format("received %d of %d answers (%d REQs sent)",
                    result.answersReceived(), expected, result.requestsSent()));
        }
        synchronized (out) {
            if (dots.get() > 0) {
                out.println();
            }
            out.println(failure.isEmpty() ? "OK!" : "FAILED! " + failure);
            out.flush();
        }
        return new Outcome(failure.isEmpty(), failure, result);
    }
}
