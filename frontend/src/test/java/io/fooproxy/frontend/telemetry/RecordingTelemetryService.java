package io.fooproxy.frontend.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import io.fooproxy.proto.telemetry.v1.BatchAck;
import io.fooproxy.proto.telemetry.v1.MessageBucket;
import io.fooproxy.proto.telemetry.v1.TelemetryBatch;
import io.fooproxy.proto.telemetry.v1.TelemetryServiceGrpc;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A backend stand-in: records every batch of every stream, acknowledges cumulatively (unless
 * told not to), and can fail or ack its open streams on demand. De-duplicates like the real
 * backend: by sequence, and a duplicate must be identical to the original.
 */
final class RecordingTelemetryService extends TelemetryServiceGrpc.TelemetryServiceImplBase {

    /** One Publish stream as the server saw it. */
    static final class Stream {
        final List<TelemetryBatch> batches = new CopyOnWriteArrayList<>();
        private final StreamObserver<BatchAck> responses;
        private long highestReceived;
        private long ackedThrough;
        private boolean ended;
        volatile boolean completedByClient;
        volatile boolean cancelledByClient;

        Stream(StreamObserver<BatchAck> responses) {
            this.responses = responses;
        }

        synchronized void ack(long through) {
            if (!ended && through > ackedThrough) {
                ackedThrough = through;
                responses.onNext(BatchAck.newBuilder().setAckedThroughSequence(through).build());
            }
        }

        synchronized void ackAll() {
            ack(highestReceived);
        }

        synchronized void fail(Status status) {
            if (!ended) {
                ended = true;
                responses.onError(status.asRuntimeException());
            }
        }

        synchronized long ackedThrough() {
            return ackedThrough;
        }

        /** Lets the client send {@code n} more batches (manual flow control only). */
        void request(int n) {
            ((ServerCallStreamObserver<BatchAck>) responses).request(n);
        }
    }

    final List<Stream> streams = new CopyOnWriteArrayList<>();
    final AtomicInteger streamsOpened = new AtomicInteger();
    volatile boolean acking = true;
    /** Negative: gRPC's automatic flow control; otherwise the batches a new stream may send. */
    volatile int initialDemand = -1;

    @Override
    public StreamObserver<TelemetryBatch> publish(StreamObserver<BatchAck> responses) {
        int demand = initialDemand;
        if (demand >= 0) {
            ServerCallStreamObserver<BatchAck> call = (ServerCallStreamObserver<BatchAck>) responses;
            call.disableAutoRequest();
            if (demand > 0) {
                call.request(demand);
            }
        }
        Stream stream = new Stream(responses);
        streams.add(stream);
        streamsOpened.incrementAndGet();
        return new StreamObserver<>() {
            @Override
            public void onNext(TelemetryBatch batch) {
                stream.batches.add(batch);
                synchronized (stream) {
                    stream.highestReceived = Math.max(stream.highestReceived, batch.getSequence());
                }
                if (acking) {
                    stream.ackAll();
                }
            }

            @Override
            public void onError(Throwable t) {
                stream.cancelledByClient = true;
                synchronized (stream) {
                    stream.ended = true;
                }
            }

            @Override
            public void onCompleted() {
                stream.completedByClient = true;
                synchronized (stream) {
                    if (!stream.ended) {
                        stream.ended = true;
                        responses.onCompleted();
                    }
                }
            }
        };
    }

    void failOpenStreams(Status status) {
        for (Stream s : streams) {
            s.fail(status);
        }
    }

    void ackOpenStreams() {
        for (Stream s : streams) {
            s.ackAll();
        }
    }

    /** Every batch of every stream, in arrival order. */
    List<TelemetryBatch> received() {
        List<TelemetryBatch> all = new ArrayList<>();
        for (Stream s : streams) {
            all.addAll(s.batches);
        }
        return all;
    }

    /** Batches de-duplicated by sequence; asserts every duplicate equals its original. */
    TreeMap<Long, TelemetryBatch> unique() {
        TreeMap<Long, TelemetryBatch> bySeq = new TreeMap<>();
        for (TelemetryBatch b : received()) {
            TelemetryBatch first = bySeq.putIfAbsent(b.getSequence(), b);
            if (first != null) {
                assertThat(b).as("resent batch %d", b.getSequence()).isEqualTo(first);
            }
        }
        return bySeq;
    }

    /** REQ/ACK/NAK after de-duplication: buckets plus totals-only counters. */
    long[] uniqueMessageTotals() {
        long[] t = new long[3];
        for (Map.Entry<Long, TelemetryBatch> e : unique().entrySet()) {
            TelemetryBatch b = e.getValue();
            for (MessageBucket m : b.getBucketsList()) {
                t[0] += m.getRequests();
                t[1] += m.getAcks();
                t[2] += m.getNaks();
            }
            t[0] += b.getCounters().getRequests();
            t[1] += b.getCounters().getAcks();
            t[2] += b.getCounters().getNaks();
        }
        return t;
    }

    long uniqueRequests() {
        return uniqueMessageTotals()[0];
    }
}
