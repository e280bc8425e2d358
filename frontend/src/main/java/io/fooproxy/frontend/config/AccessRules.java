package io.fooproxy.frontend.config;

import static java.util.Objects.requireNonNull;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Which client addresses may connect, checked once per connection at accept.
 *
 * <p>Precedence: a {@code deny} block that contains the address wins; otherwise an empty
 * {@code allow} list lets everyone in, and a non-empty one only the addresses in one of its
 * blocks. So {@code allow=10.0.0.0/8} with {@code deny=10.9.0.0/16} admits 10.1.2.3 and refuses
 * 10.9.1.1 and 192.0.2.1. Immutable.
 */
public final class AccessRules {
    /** The rule a refusal is counted under when an address is in no allow block. */
    public static final String NOT_ALLOWED = "not in allow";
    /** Refusals by a deny block are counted under {@code "deny <block>"}. */
    public static final String DENY_PREFIX = "deny ";
    private static final int MAX_BLOCKS = 10_000;

    public static final AccessRules ALLOW_ALL = new AccessRules(List.of(), List.of());

    private final List<CidrBlock> allow;
    private final List<CidrBlock> deny;
    /** One per deny block, made once so that a refusal allocates nothing. */
    private final String[] denyLabels;

    /**
     * @param allow blocks that may connect; empty = every address not denied
     * @param deny  blocks that may never connect
     */
    public AccessRules(List<CidrBlock> allow, List<CidrBlock> deny) {
        this.allow = List.copyOf(requireNonNull(allow, "allow"));
        this.deny = List.copyOf(requireNonNull(deny, "deny"));
        this.denyLabels = this.deny.stream().map(b -> DENY_PREFIX + b).toArray(String[]::new);
    }

    /**
     * Reads a comma-separated list of blocks; blank = none.
     *
     * @throws IllegalArgumentException naming the first bad block
     */
    public static List<CidrBlock> parseList(String text) {
        requireNonNull(text, "text");
        List<CidrBlock> blocks = new ArrayList<>();
        for (String part : text.split(",")) {
            if (!part.isBlank()) {
                blocks.add(CidrBlock.parse(part));
            }
        }
        if (blocks.size() > MAX_BLOCKS) {
            throw new IllegalArgumentException(blocks.size() + " blocks, more than " + MAX_BLOCKS);
        }
        return blocks;
    }

    /** The list as a config value: {@code 10.0.0.0/8,::1/128}. */
    public static String format(List<CidrBlock> blocks) {
        return blocks.stream().map(CidrBlock::toString).collect(Collectors.joining(","));
    }

    public List<CidrBlock> allow() {
        return allow;
    }

    public List<CidrBlock> deny() {
        return deny;
    }

    /**
     * Why {@code address} may not connect: {@code "deny <block>"} for the first deny block that
     * holds it, {@value #NOT_ALLOWED} when there is an allow list and no block of it holds the
     * address, or {@code null} when it may connect.
     */
    public String refusal(InetAddress address) {
        requireNonNull(address, "address");
        for (int i = 0; i < denyLabels.length; i++) {
            if (deny.get(i).contains(address)) {
                return denyLabels[i];
            }
        }
        if (allow.isEmpty()) {
            return null;
        }
        for (CidrBlock block : allow) {
            if (block.contains(address)) {
                return null;
            }
        }
        return NOT_ALLOWED;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AccessRules other && allow.equals(other.allow) && deny.equals(other.deny);
    }

    @Override
    public int hashCode() {
        return 31 * allow.hashCode() + deny.hashCode();
    }

    @Override
    public String toString() {
        return "allow=" + format(allow) + " deny=" + format(deny);
    }
}
