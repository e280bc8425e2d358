package io.fooproxy.frontend.sniff;

/** The three Foo message types. REQ travels client to server; ACK and NAK travel back. */
public enum MessageType {
    REQ,
    ACK,
    NAK
}
