package io.fooproxy.frontend.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class EndpointTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        ":8002|''|8002",
        "localhost:8001|localhost|8001",
        "10.0.0.1:80|10.0.0.1|80",
        "[::1]:8002|::1|8002",
        "[fe80::1%eth0]:9|fe80::1%eth0|9",
        "' :0 '|''|0",
        "host:65535|host|65535"})
    void parsesEveryForm(String text, String host, int port) {
        Endpoint e = Endpoint.parse(text);
        assertThat(e.host()).isEqualTo(host);
        assertThat(e.port()).isEqualTo(port);
        assertThat(Endpoint.parse(e.toString())).isEqualTo(e);
    }

    @Test
    void printsTheNotationItReads() {
        assertThat(Endpoint.parse(":8002")).hasToString(":8002");
        assertThat(Endpoint.parse("[::1]:8002")).hasToString("[::1]:8002");
        assertThat(Endpoint.parse("localhost:8001")).hasToString("localhost:8001");
    }

    @Test
    void portOutOfRangeNamesThePort() {
        assertThatThrownBy(() -> Endpoint.parse(":99999")).hasMessage("port 99999 out of range");
        assertThatThrownBy(() -> Endpoint.parse(":65536")).hasMessage("port 65536 out of range");
        assertThatThrownBy(() -> Endpoint.parse(":99999999999999")).hasMessage("port 99999999999999 out of range");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "8002", "host", "host:", "host:abc", "host:-1", "::1:8002", "[::1]", "[::1]8002", "[]:80",
        "host:80 80"})
    void rejectsWhatIsNotAnAddress(String text) {
        assertThatThrownBy(() -> Endpoint.parse(text)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void anyHostBindsEveryInterfaceAndConnectsLocally() {
        Endpoint any = Endpoint.parse(":8002");
        assertThat(any.bindAddress().getAddress().isAnyLocalAddress()).isTrue();
        assertThat(any.connectAddress().getAddress()).isEqualTo(InetAddress.getLoopbackAddress());
        InetSocketAddress named = Endpoint.parse("example.invalid:1").connectAddress();
        assertThat(named.isUnresolved()).as("names are resolved at each connect").isTrue();
    }

    @Test
    void literalAddressesNeedNoLookup() {
        InetSocketAddress v4 = Endpoint.parse("10.1.2.3:8001").connectAddress();
        assertThat(v4.isUnresolved()).isFalse();
        assertThat(v4.getAddress().getAddress()).containsExactly(10, 1, 2, 3);
        assertThat(v4.getPort()).isEqualTo(8001);
        assertThat(v4.getHostString()).as("named after its text, so never formatted again").isEqualTo("10.1.2.3");
        assertThat(v4.getHostString()).isSameAs(v4.getHostString());
        InetSocketAddress v6 = Endpoint.parse("[::1]:8001").connectAddress();
        assertThat(v6.isUnresolved()).isFalse();
        assertThat(v6.getAddress().isLoopbackAddress()).isTrue();
        // a scope id is kept, or left to the resolver when no such interface exists here
        InetSocketAddress scoped = Endpoint.parse("[fe80::1%no-such-interface0]:8001").connectAddress();
        assertThat(scoped.getHostString()).contains("%no-such-interface0");
        InetSocketAddress loScoped = Endpoint.parse("[fe80::1%lo]:8001").connectAddress();
        assertThat(loScoped.isUnresolved() || ((Inet6Address) loScoped.getAddress()).getScopeId() > 0)
                .as("%s keeps its scope", loScoped).isTrue();
    }

    @Test
    void describesABoundSocketNumerically() {
        InetSocketAddress bound = new InetSocketAddress(InetAddress.getLoopbackAddress(), 1234);
        assertThat(Endpoint.of(bound)).hasToString("127.0.0.1:1234");
    }
}
