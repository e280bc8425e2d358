package io.fooproxy.backend.analytics;

import static java.util.Objects.requireNonNull;

import io.fooproxy.backend.stats.SaturatingCounts;
import io.fooproxy.proto.stats.v1.ProtocolViolations;
import io.fooproxy.proto.telemetry.v1.ProtocolCounters;

/** Running totals of the protocol counters; saturating, not thread-safe (the owner locks). */
final class ProtocolTotals {
    private long unknownSeqAnswers;
    private long duplicateAnswers;
    private long nonSequentialRequests;
    private long outOfOrderAnswers;
    private long requestsFromServer;
    private long answersFromClient;
    private long outstandingOverflow;
    private long unansweredRequests;
    private long matchedAnswers;
    private long untrackedAnswers;

    void add(ProtocolCounters c) {
        requireNonNull(c, "c");
        unknownSeqAnswers = SaturatingCounts.add(unknownSeqAnswers, c.getUnknownSeqAnswers());
        duplicateAnswers = SaturatingCounts.add(duplicateAnswers, c.getDuplicateAnswers());
        nonSequentialRequests = SaturatingCounts.add(nonSequentialRequests, c.getNonSequentialRequests());
        outOfOrderAnswers = SaturatingCounts.add(outOfOrderAnswers, c.getOutOfOrderAnswers());
        requestsFromServer = SaturatingCounts.add(requestsFromServer, c.getRequestsFromServer());
        answersFromClient = SaturatingCounts.add(answersFromClient, c.getAnswersFromClient());
        outstandingOverflow = SaturatingCounts.add(outstandingOverflow, c.getOutstandingOverflow());
        unansweredRequests = SaturatingCounts.add(unansweredRequests, c.getUnansweredRequests());
        matchedAnswers = SaturatingCounts.add(matchedAnswers, c.getMatchedAnswers());
        untrackedAnswers = SaturatingCounts.add(untrackedAnswers, c.getUntrackedAnswers());
    }

    ProtocolCounters toCounters() {
        return ProtocolCounters.newBuilder()
                .setUnknownSeqAnswers(unknownSeqAnswers)
                .setDuplicateAnswers(duplicateAnswers)
                .setNonSequentialRequests(nonSequentialRequests)
                .setOutOfOrderAnswers(outOfOrderAnswers)
                .setRequestsFromServer(requestsFromServer)
                .setAnswersFromClient(answersFromClient)
                .setOutstandingOverflow(outstandingOverflow)
                .setUnansweredRequests(unansweredRequests)
                .setMatchedAnswers(matchedAnswers)
                .setUntrackedAnswers(untrackedAnswers)
                .build();
    }

    /** The stats view: the same counts, without matched_answers (that is the latency count). */
    ProtocolViolations toViolations() {
        return ProtocolViolations.newBuilder()
                .setUnknownSeqAnswers(unknownSeqAnswers)
                .setDuplicateAnswers(duplicateAnswers)
                .setNonSequentialRequests(nonSequentialRequests)
                .setOutOfOrderAnswers(outOfOrderAnswers)
                .setRequestsFromServer(requestsFromServer)
                .setAnswersFromClient(answersFromClient)
                .setOutstandingOverflow(outstandingOverflow)
                .setUnansweredRequests(unansweredRequests)
                .setUntrackedAnswers(untrackedAnswers)
                .build();
    }
}
