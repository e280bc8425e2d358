package io.fooproxy.frontend.analytics;

/** The fields of {@code ProtocolCounters}, as indexes into the counter arrays analytics keeps. */
final class ProtocolCounter {
    static final int UNKNOWN_SEQ_ANSWERS = 0;
    static final int DUPLICATE_ANSWERS = 1;
    static final int NON_SEQUENTIAL_REQUESTS = 2;
    static final int OUT_OF_ORDER_ANSWERS = 3;
    static final int REQUESTS_FROM_SERVER = 4;
    static final int ANSWERS_FROM_CLIENT = 5;
    static final int OUTSTANDING_OVERFLOW = 6;
    static final int UNANSWERED_REQUESTS = 7;
    static final int MATCHED_ANSWERS = 8;
    static final int UNTRACKED_ANSWERS = 9;
    static final int COUNT = 10;

    private ProtocolCounter() {}
}
