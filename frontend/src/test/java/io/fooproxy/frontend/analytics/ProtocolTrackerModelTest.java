package io.fooproxy.frontend.analytics;

import static io.fooproxy.frontend.sniff.MessageType.ACK;
import static io.fooproxy.frontend.sniff.MessageType.REQ;
import static org.assertj.core.api.Assertions.assertThat;

import io.fooproxy.frontend.config.AnalyticsSettings;
import io.fooproxy.frontend.sniff.Direction;
import io.fooproxy.proto.telemetry.v1.Analytics;
import io.fooproxy.proto.telemetry.v1.ProtocolCounters;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The tracker's ring, fast path, seq index, growth and compaction against a model too simple to
 * be wrong (a list of outstanding seqs in REQ order), on seeded random traffic: consecutive seqs
 * with jumps and repeats, answers in and out of order, for seqs outstanding, answered and never
 * asked for, small caps so that overflow and compaction happen.
 */
class ProtocolTrackerModelTest {
    private static final long SEED = 0x7ac4_e5L;

    @Test
    void matchesTheModelOnRandomTraffic() {
        SplittableRandom random = new SplittableRandom(SEED);
        for (int n = 0; n < 300; n++) {
            int max = 1 + random.nextInt(20);
            StepClock clock = new StepClock(1_700_000_000_000L);
            AnalyticsRecorder recorder = new AnalyticsRecorder(new AnalyticsSettings(true, max, 16), clock);
            ProtocolTracker t = (ProtocolTracker) recorder.open(InetAddress.getLoopbackAddress());
            List<long[]> outstanding = new ArrayList<>(); // {seq, sent micros}
            long matched = 0;
            long outOfOrder = 0;
            long overflow = 0;
            long untracked = 0;
            long unmatched = 0;
            long latencyMicros = 0;
            boolean overflowed = false;
            long nextSeq = 1;
            long now = 0;
            for (int op = 0; op < 2000; op++) {
                clock.advanceMicros(1 + random.nextInt(50));
                now = clock.nanoTime() / 1000;
                int kind = random.nextInt(10);
                if (kind < 5) {
                    long seq = random.nextInt(20) == 0 ? 1 + random.nextInt(50) // jump or repeat
                            : nextSeq;
                    nextSeq = seq + 1;
                    t.onMessage(REQ, seq);
                    t.onScanned(Direction.CLIENT_TO_SERVER, 1);
                    if (outstanding.size() >= max) {
                        overflow++;
                        overflowed = true;
                    } else {
                        outstanding.add(new long[] {seq, now});
                    }
                } else {
                    long seq;
                    if (!outstanding.isEmpty() && kind < 9) {
                        int at = random.nextInt(4) == 0 ? random.nextInt(outstanding.size()) : 0;
                        seq = outstanding.get(at)[0];
                    } else {
                        seq = 1 + random.nextInt((int) Math.min(Integer.MAX_VALUE - 1, nextSeq + 5));
                    }
                    t.onMessage(ACK, seq);
                    t.onScanned(Direction.SERVER_TO_CLIENT, 1);
                    int found = -1;
                    for (int i = 0; i < outstanding.size(); i++) {
                        if (outstanding.get(i)[0] == seq) {
                            found = i;
                            break;
                        }
                    }
                    if (found >= 0) {
                        matched++;
                        if (found != 0) {
                            outOfOrder++;
                        }
                        latencyMicros += now - outstanding.remove(found)[1];
                    } else if (overflowed) {
                        untracked++;
                    } else {
                        unmatched++;
                    }
                }
                assertThat(t.outstanding()).as("case %d op %d", n, op).isEqualTo(outstanding.size());
                assertThat(t.capacity()).as("case %d: the ring stays within the cap", n)
                        .isLessThanOrEqualTo(4 * Integer.highestOneBit(max));
            }
            t.closed();
            PendingAnalytics pending = new PendingAnalytics(16);
            recorder.drainInto(pending);
            Analytics a = pending.take();
            ProtocolCounters p = a.getProtocol();
            String as = "case " + n + " (max " + max + ")";
            assertThat(p.getMatchedAnswers()).as(as).isEqualTo(matched);
            assertThat(p.getOutOfOrderAnswers()).as(as).isEqualTo(outOfOrder);
            assertThat(p.getOutstandingOverflow()).as(as).isEqualTo(overflow);
            assertThat(p.getUntrackedAnswers()).as(as).isEqualTo(untracked);
            assertThat(p.getDuplicateAnswers() + p.getUnknownSeqAnswers()).as(as).isEqualTo(unmatched);
            assertThat(p.getUnansweredRequests()).as(as).isEqualTo(outstanding.size());
            var h = Decoded.latency(List.of(a));
            assertThat(h.getTotalCount()).as(as).isEqualTo(matched);
            // 2 significant digits: the mean is within 1 % of the model's exact mean
            if (matched > 0) {
                assertThat(h.getMean()).as(as).isCloseTo((double) latencyMicros / matched,
                        org.assertj.core.data.Percentage.withPercentage(1.5));
            }
        }
    }
}
