package io.fooproxy.frontend.sniff;

/** Which way relayed bytes travel. */
public enum Direction {
    CLIENT_TO_SERVER,
    SERVER_TO_CLIENT
}
