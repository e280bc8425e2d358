package io.fooproxy.frontend.config;

import java.util.Locale;

/** The {@code transport} setting: which socket implementation the relay runs on. */
public enum TransportChoice {
    /** io_uring where the kernel allows it, else epoll where it loads, else NIO. */
    AUTO("auto"),
    IO_URING("io_uring"),
    EPOLL("epoll"),
    NIO("nio");

    private final String text;

    TransportChoice(String text) {
        this.text = text;
    }

    /** @throws ConfigException naming the {@code transport} key when {@code text} is none of the four */
    public static TransportChoice parse(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        for (TransportChoice c : values()) {
            if (c.text.equals(t)) {
                return c;
            }
        }
        throw new ConfigException(ConfigKey.TRANSPORT.key(), "'" + text.trim() + "' is not auto, io_uring, epoll or nio");
    }

    /** As the command line spells it. */
    @Override
    public String toString() {
        return text;
    }
}
