package io.fooproxy.frontend.limits;

import static java.util.Objects.requireNonNull;

import io.fooproxy.frontend.config.Limits;
import io.fooproxy.frontend.config.LiveSettings;
import io.fooproxy.frontend.stats.LimitCounters;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides, for each connection the listening socket accepts, whether it may stay: first the
 * access rules (deny wins, then the allow list), then {@code max-connections}, then {@code
 * max-connections-per-ip}. A refused connection is closed at once, before it is registered
 * with an event loop or gets an upstream connection: the client sees its connect succeed and
 * then the connection closed with nothing sent. Each refusal is counted (per rule for the
 * access rules) and logged at DEBUG; {@link LimitsReport} sums them up in the log.
 *
 * <p>Sits in the listening channel's pipeline, before Netty's acceptor, and runs on the one
 * accept thread; the settings are read at each accept, so a reload applies to the next one.
 * An admitted connection keeps its address's {@link AddressTable.Entry} (its REQ quota) in the
 * table until it closes, and is uncounted then.
 */
public final class AdmissionHandler extends ChannelInboundHandlerAdapter {
    public static final String NAME = "admission";
    private static final Logger log = LoggerFactory.getLogger(AdmissionHandler.class);

    private final LiveSettings settings;
    private final LimitCounters counters;
    private final AddressTable addresses;
    private final AtomicInteger open = new AtomicInteger();

    public AdmissionHandler(LiveSettings settings, LimitCounters counters, AddressTable addresses) {
        this.settings = requireNonNull(settings, "settings");
        this.counters = requireNonNull(counters, "counters");
        this.addresses = requireNonNull(addresses, "addresses");
    }

    /** Client connections admitted and not yet closed. */
    public int openConnections() {
        return open.get();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof Channel child)) {
            ctx.fireChannelRead(msg);
            return;
        }
        InetAddress address = child.remoteAddress() instanceof InetSocketAddress a ? a.getAddress() : null;
        if (address == null) {
            refuse(child); // already gone: nothing to relay, nothing to count
            return;
        }
        String denial = settings.access().refusal(address);
        if (denial != null) {
            counters.onDenied(denial);
            log.debug("refused {}: {}", address.getHostAddress(), denial);
            refuse(child);
            return;
        }
        Limits limits = settings.limits();
        // only this thread admits, so the count cannot pass the limit between check and increment
        if (open.get() >= limits.maxConnections()) {
            counters.onRejectedOverMaxConnections();
            log.debug("refused {}: max-connections {} open", address.getHostAddress(), limits.maxConnections());
            refuse(child);
            return;
        }
        if (addresses.admit(address, limits.maxConnectionsPerIp()) == null) {
            counters.onRejectedOverPerIpLimit();
            log.debug("refused {}: max-connections-per-ip {} open from it", address.getHostAddress(),
                    limits.maxConnectionsPerIp());
            refuse(child);
            return;
        }
        open.incrementAndGet();
        ctx.fireChannelRead(child); // the acceptor registers it with an event loop
        try {
            child.closeFuture().addListener((ChannelFutureListener) closed -> release(address));
        } catch (IllegalStateException notRegistered) {
            // the acceptor could not register it and closed it already: uncount it here
            release(address);
        }
    }

    private void release(InetAddress address) {
        open.decrementAndGet();
        addresses.release(address);
    }

    private static void refuse(Channel child) {
        child.unsafe().closeForcibly(); // as Netty's acceptor does with a child it cannot register
    }
}
