package io.fooproxy.frontend.limits;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class AddressTableTest {
    private final AddressTable table = new AddressTable();

    @Test
    void countsConnectionsPerAddressUpToTheLimit() throws Exception {
        InetAddress a = InetAddress.getByName("127.0.0.2");
        InetAddress b = InetAddress.getByName("::1");
        AddressTable.Entry first = table.admit(a, 2);
        assertThat(first).isNotNull();
        assertThat(table.admit(a, 2)).as("same entry, same quota").isSameAs(first);
        assertThat(table.admit(a, 2)).as("third over a limit of 2").isNull();
        assertThat(table.entry(a)).as("what an admitted connection finds").isSameAs(first);
        assertThat(table.admit(b, 2)).isNotNull();
        assertThat(table.connections(a)).isEqualTo(2);
        assertThat(table.addresses()).isEqualTo(2);

        table.release(a);
        assertThat(table.admit(a, 2)).as("room again").isSameAs(first);
        table.release(a);
        table.release(a);
        table.release(b);
        assertThat(table.addresses()).as("forgotten once closed").isZero();
        assertThat(table.entry(a)).isNull();
        table.release(a); // a stray release does not go negative
        assertThat(table.connections(a)).isZero();
        assertThat(table.admit(a, 1)).isNotSameAs(first);
    }

    @Test
    void aLowerLimitAfterAReloadRefusesNewConnectionsOnly() throws Exception {
        InetAddress a = InetAddress.getByName("10.0.0.1");
        for (int i = 0; i < 5; i++) {
            assertThat(table.admit(a, 5)).isNotNull();
        }
        assertThat(table.admit(a, 3)).isNull();
        assertThat(table.connections(a)).isEqualTo(5);
    }
}
