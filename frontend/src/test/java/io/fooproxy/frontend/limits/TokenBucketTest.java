package io.fooproxy.frontend.limits;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class TokenBucketTest {
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);
    private final TokenBucket bucket = new TokenBucket();

    @Test
    void aNewAddressHasItsBurstAndThenTheRate() {
        long t = 1_000 * SECOND;
        assertThat(bucket.charge(10, t, 10, 10)).as("the burst").isZero();
        assertThat(bucket.charge(1, t, 10, 10)).as("one over: a tenth of a second to wait").isEqualTo(SECOND / 10);
        // a second later 10 more tokens came in; one of them paid the debt
        assertThat(bucket.charge(9, t + SECOND, 10, 10)).isZero();
        assertThat(bucket.charge(1, t + SECOND, 10, 10)).isEqualTo(SECOND / 10);
    }

    @Test
    void aChunkOverTheQuotaRunsIntoDebtThatTimePays() {
        long t = 5 * SECOND;
        assertThat(bucket.charge(40, t, 10, 10)).as("30 REQs of debt at 10/s").isEqualTo(3 * SECOND);
        assertThat(bucket.charge(1, t + 3 * SECOND, 10, 10)).isEqualTo(SECOND / 10);
        assertThat(bucket.charge(0, t + 60 * SECOND, 10, 10)).as("refills to the burst, not beyond").isZero();
        assertThat(bucket.charge(11, t + 60 * SECOND, 10, 10)).isEqualTo(SECOND / 10);
    }

    @Test
    void aReloadedRateAppliesAtTheNextCharge() {
        long t = 0;
        bucket.charge(100, t, 100, 100);
        assertThat(bucket.charge(1000, t, 1000, 1000)).isEqualTo(SECOND);
    }
}
