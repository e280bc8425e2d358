package io.fooproxy.cli;

import static java.util.Objects.requireNonNull;

import io.grpc.Channel;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.PrintStream;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParentCommand;

/**
 * A subcommand that talks to the backend: resolves {@code -backend} (given after the
 * subcommand, else before it, else the default), opens the channel, runs, closes the channel.
 */
abstract class BackendCommand implements Callable<Integer> {
    @Mixin
    BackendOption backend = new BackendOption();

    @Mixin
    HelpOption help = new HelpOption();

    @ParentCommand
    FooCli parent;

    final ChannelFactory channels;
    final PrintStream out;
    final PrintStream err;

    BackendCommand(ChannelFactory channels, PrintStream out, PrintStream err) {
        this.channels = requireNonNull(channels, "channels");
        this.out = requireNonNull(out, "out");
        this.err = requireNonNull(err, "err");
    }

    /** Does the work over {@code channel}; returns the exit status. */
    abstract int run(Channel channel, BackendAddress address);

    /** Checks option values before any connection; throws a ParameterException (exit 2). */
    void validate() {}

    @Override
    public final Integer call() {
        validate();
        BackendAddress address;
        try {
            address = BackendAddress.parse(backendText());
        } catch (IllegalArgumentException e) {
            err.println("error: -backend: " + e.getMessage());
            return ExitCodes.FAILED;
        }
        ManagedChannel channel = channels.open(address);
        try {
            return run(channel, address);
        } finally {
            channel.shutdownNow();
            try {
                channel.awaitTermination(1, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private String backendText() {
        if (backend.value != null) {
            return backend.value;
        }
        if (parent != null && parent.backend.value != null) {
            return parent.backend.value;
        }
        return BackendAddress.DEFAULT;
    }

    /** One line on stderr saying why the call failed; the exit status for it. */
    final int failed(BackendAddress address, StatusRuntimeException e) {
        Status status = e.getStatus();
        String detail = status.getDescription() == null ? status.getCode().toString()
                : status.getCode() + ": " + status.getDescription();
        Throwable root = status.getCause();
        while (root != null && root.getCause() != null) {
            root = root.getCause();
        }
        // "io exception" alone does not say much; the transport's own message does ("Connection refused")
        if (root != null && root.getMessage() != null && !detail.contains(root.getMessage())) {
            detail = detail + ": " + root.getMessage();
        }
        detail = detail.strip().replaceAll("\\s*[\\r\\n]+\\s*", "; "); // one line, whatever the peer sent
        if (status.getCode() == Status.Code.UNAVAILABLE || status.getCode() == Status.Code.DEADLINE_EXCEEDED) {
            err.println("error: backend " + address + " unreachable (" + detail + ")");
        } else {
            err.println("error: backend " + address + " call failed (" + detail + ")");
        }
        return ExitCodes.FAILED;
    }
}
