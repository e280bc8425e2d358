package io.fooproxy.frontend.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import org.junit.jupiter.api.Test;

class AccessRulesTest {

    @Test
    void blocksMatchTheirAddressesAndNothingElse() throws Exception {
        CidrBlock ten = CidrBlock.parse("10.0.0.0/8");
        assertThat(ten.contains(ip("10.0.0.0"))).isTrue();
        assertThat(ten.contains(ip("10.255.255.255"))).isTrue();
        assertThat(ten.contains(ip("11.0.0.0"))).isFalse();
        assertThat(ten.contains(ip("9.255.255.255"))).isFalse();

        CidrBlock odd = CidrBlock.parse("192.168.4.0/22"); // a prefix that ends inside a byte
        assertThat(odd.contains(ip("192.168.7.255"))).isTrue();
        assertThat(odd.contains(ip("192.168.8.0"))).isFalse();
        assertThat(odd.contains(ip("192.168.3.255"))).isFalse();

        CidrBlock v6 = CidrBlock.parse("2001:db8::/32");
        assertThat(v6.contains(ip("2001:db8:ffff::1"))).isTrue();
        assertThat(v6.contains(ip("2001:db9::1"))).isFalse();
        assertThat(v6.contains(ip("10.0.0.1"))).as("families never match").isFalse();
        assertThat(ten.contains(ip("::1"))).isFalse();

        assertThat(CidrBlock.parse("0.0.0.0/0").contains(ip("203.0.113.9"))).isTrue();
        assertThat(CidrBlock.parse("::/0").contains(ip("::1"))).isTrue();
        assertThat(CidrBlock.parse("::1/128").contains(ip("::1"))).isTrue();
        assertThat(CidrBlock.parse("::1/128").contains(ip("::2"))).isFalse();
    }

    @Test
    void anIpv4ClientSeenOnAnIpv6SocketIsMatchedAsIpv4() throws Exception {
        // ::ffff:10.1.2.3 as raw bytes, the way a dual-stack socket may report it
        byte[] mapped = new byte[16];
        mapped[10] = (byte) 0xff;
        mapped[11] = (byte) 0xff;
        mapped[12] = 10;
        mapped[13] = 1;
        mapped[14] = 2;
        mapped[15] = 3;
        InetAddress address = java.net.Inet6Address.getByAddress(null, mapped, -1);
        assertThat(CidrBlock.parse("10.0.0.0/8").contains(address)).isTrue();
        assertThat(CidrBlock.parse("::ffff:10.0.0.0/8").toString()).isEqualTo("10.0.0.0/8");
    }

    @Test
    void aBareAddressIsABlockOfOne() {
        assertThat(CidrBlock.parse("127.0.0.1")).isEqualTo(CidrBlock.parse("127.0.0.1/32"));
        assertThat(CidrBlock.parse(" ::1 ").toString()).isEqualTo("::1/128");
    }

    @Test
    void badBlocksSayWhy() {
        assertThatThrownBy(() -> CidrBlock.parse("10.0.0.1/8"))
                .hasMessage("'10.0.0.1/8' has address bits set beyond the /8 prefix (did you mean 10.0.0.0/8?)");
        assertThatThrownBy(() -> CidrBlock.parse("10.0.0.0/33")).hasMessage("'10.0.0.0/33': prefix length must be 0..32");
        assertThatThrownBy(() -> CidrBlock.parse("::/129")).hasMessageContaining("0..128");
        assertThatThrownBy(() -> CidrBlock.parse("example.com/8")).hasMessageContaining("not an IPv4 or IPv6");
        assertThatThrownBy(() -> CidrBlock.parse("10.0.0.0/-1")).hasMessageContaining("prefix length");
        assertThatThrownBy(() -> CidrBlock.parse("fe80::1%eth0")).hasMessageContaining("not an IPv4 or IPv6");
        assertThatThrownBy(() -> AccessRules.parseList("10.0.0.0/8,, nonsense")).hasMessageContaining("'nonsense'");
    }

    @Test
    void denyWinsAndAnEmptyAllowListAllowsEveryone() throws Exception {
        AccessRules open = AccessRules.ALLOW_ALL;
        assertThat(open.refusal(ip("203.0.113.9"))).isNull();

        AccessRules rules = new AccessRules(AccessRules.parseList("10.0.0.0/8, ::1/128"),
                AccessRules.parseList("10.9.0.0/16,10.9.1.0/24"));
        assertThat(rules.refusal(ip("10.1.2.3"))).isNull();
        assertThat(rules.refusal(ip("::1"))).isNull();
        assertThat(rules.refusal(ip("10.9.1.1"))).as("the first deny block that holds it").isEqualTo("deny 10.9.0.0/16");
        assertThat(rules.refusal(ip("192.0.2.1"))).isEqualTo(AccessRules.NOT_ALLOWED);

        AccessRules denyOnly = new AccessRules(List.of(), AccessRules.parseList("127.0.0.3"));
        assertThat(denyOnly.refusal(ip("127.0.0.3"))).isEqualTo("deny 127.0.0.3/32");
        assertThat(denyOnly.refusal(ip("127.0.0.1"))).isNull();
    }

    @Test
    void listsRoundTripThroughTheirConfigForm() {
        List<CidrBlock> blocks = AccessRules.parseList(" 10.0.0.0/8 ,::1/128,2001:DB8::/32");
        assertThat(AccessRules.format(blocks)).isEqualTo("10.0.0.0/8,::1/128,2001:db8::/32");
        assertThat(AccessRules.parseList(AccessRules.format(blocks))).isEqualTo(blocks);
        assertThat(AccessRules.parseList(" ")).isEmpty();
    }

    private static InetAddress ip(String literal) throws UnknownHostException {
        return InetAddress.getByName(literal); // literals only: no lookup
    }
}
