package io.fooproxy.frontend.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.fooproxy.frontend.config.ConfigException;
import io.fooproxy.frontend.config.TransportChoice;
import io.netty.channel.uring.IoUring;
import org.junit.jupiter.api.Test;

class TransportTest {

    @Test
    void eachChoiceGivesItsTransportOrFailsNamingTheKey() {
        assertThat(Transport.of(TransportChoice.NIO)).hasToString("nio");
        assertThat(Transport.of(TransportChoice.AUTO)).hasToString(Transport.preferred().toString());
        if (Transport.epollAvailable()) {
            assertThat(Transport.of(TransportChoice.EPOLL)).hasToString("epoll");
        } else {
            assertThatThrownBy(() -> Transport.of(TransportChoice.EPOLL)).isInstanceOf(ConfigException.class)
                    .hasMessageStartingWith("transport: epoll is not available");
        }
        if (Transport.ioUringAvailable()) {
            assertThat(Transport.of(TransportChoice.IO_URING)).hasToString("io_uring");
        } else {
            assertThatThrownBy(() -> Transport.of(TransportChoice.IO_URING)).isInstanceOf(ConfigException.class)
                    .hasMessageStartingWith("transport: io_uring is not available");
        }
    }

    @Test
    void autoPrefersIoUringThenEpollThenNio() {
        String expected = Transport.ioUringAvailable() ? "io_uring" : Transport.epollAvailable() ? "epoll" : "nio";
        assertThat(Transport.preferred()).hasToString(expected);
    }

    /** Both multishot switches are off before Netty reads them: see Transport's class comment. */
    @Test
    void ioUringAcceptsAndPollsOneShotSoResettingClientsAreCountedAndClosed() {
        assumeTrue(Transport.ioUringAvailable(), "io_uring is not available here");
        Transport.ioUring();
        // one accept per submission: each connection comes with its peer address
        assertThat(System.getProperty(Transport.ACCEPT_MULTISHOT_PROPERTY)).isEqualTo("false");
        assertThat(IoUring.isAcceptMultishotEnabled()).isFalse();
        // one-shot polls: a client that sent and then reset is read to its reset and closed
        assertThat(System.getProperty(Transport.POLL_MULTISHOT_PROPERTY)).isEqualTo("false");
        assertThat(IoUring.isPollAddMultishotEnabled()).isFalse();
    }
}
