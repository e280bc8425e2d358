package io.fooproxy.backend.stats;

import io.fooproxy.proto.telemetry.v1.Counters;

/** Running totals of one frontend (or of all); saturating, not thread-safe (the owner locks). */
final class MutableTotals {
    long requests;
    long acks;
    long naks;
    long invalidLines;
    long oversizedLines;
    long connectionsOpened;
    long connectionsClosed;
    long bytesClientToServer;
    long bytesServerToClient;
    long upstreamConnectFailures;

    void addMessages(long req, long ack, long nak) {
        requests = SaturatingCounts.add(requests, req);
        acks = SaturatingCounts.add(acks, ack);
        naks = SaturatingCounts.add(naks, nak);
    }

    void add(Counters c) {
        addMessages(c.getRequests(), c.getAcks(), c.getNaks());
        invalidLines = SaturatingCounts.add(invalidLines, c.getInvalidLines());
        oversizedLines = SaturatingCounts.add(oversizedLines, c.getOversizedLines());
        connectionsOpened = SaturatingCounts.add(connectionsOpened, c.getConnectionsOpened());
        connectionsClosed = SaturatingCounts.add(connectionsClosed, c.getConnectionsClosed());
        bytesClientToServer = SaturatingCounts.add(bytesClientToServer, c.getBytesClientToServer());
        bytesServerToClient = SaturatingCounts.add(bytesServerToClient, c.getBytesServerToClient());
        upstreamConnectFailures =
                SaturatingCounts.add(upstreamConnectFailures, c.getUpstreamConnectFailures());
    }

    void add(MutableTotals t) {
        addMessages(t.requests, t.acks, t.naks);
        invalidLines = SaturatingCounts.add(invalidLines, t.invalidLines);
        oversizedLines = SaturatingCounts.add(oversizedLines, t.oversizedLines);
        connectionsOpened = SaturatingCounts.add(connectionsOpened, t.connectionsOpened);
        connectionsClosed = SaturatingCounts.add(connectionsClosed, t.connectionsClosed);
        bytesClientToServer = SaturatingCounts.add(bytesClientToServer, t.bytesClientToServer);
        bytesServerToClient = SaturatingCounts.add(bytesServerToClient, t.bytesServerToClient);
        upstreamConnectFailures =
                SaturatingCounts.add(upstreamConnectFailures, t.upstreamConnectFailures);
    }

    Counters toCounters() {
        return Counters.newBuilder()
                .setRequests(requests)
                .setAcks(acks)
                .setNaks(naks)
                .setInvalidLines(invalidLines)
                .setOversizedLines(oversizedLines)
                .setConnectionsOpened(connectionsOpened)
                .setConnectionsClosed(connectionsClosed)
                .setBytesClientToServer(bytesClientToServer)
                .setBytesServerToClient(bytesServerToClient)
                .setUpstreamConnectFailures(upstreamConnectFailures)
                .build();
    }

    static MutableTotals of(Counters c) {
        MutableTotals t = new MutableTotals();
        t.add(c);
        return t;
    }
}
