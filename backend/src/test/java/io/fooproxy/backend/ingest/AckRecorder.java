package io.fooproxy.backend.ingest;

import io.fooproxy.proto.telemetry.v1.BatchAck;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.LongConsumer;

/** The client side of a Publish stream in tests: records acks, the end and the error. */
final class AckRecorder implements StreamObserver<BatchAck> {
    final List<Long> acks = new CopyOnWriteArrayList<>();
    private final LongConsumer onAck;
    volatile Throwable error;
    volatile boolean completed;

    AckRecorder() {
        this(seq -> {});
    }

    /** {@code onAck} runs as each ack arrives, before it is recorded. */
    AckRecorder(LongConsumer onAck) {
        this.onAck = onAck;
    }

    @Override
    public void onNext(BatchAck ack) {
        onAck.accept(ack.getAckedThroughSequence());
        acks.add(ack.getAckedThroughSequence());
    }

    @Override
    public void onError(Throwable t) {
        error = t;
    }

    @Override
    public void onCompleted() {
        completed = true;
    }

    long lastAck() {
        return acks.isEmpty() ? 0 : acks.get(acks.size() - 1);
    }

    Status.Code errorCode() {
        return error == null ? null : Status.fromThrowable(error).getCode();
    }
}
