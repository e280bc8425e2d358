package io.fooproxy.frontend.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fooproxy.frontend.config.AccessRules;
import io.fooproxy.frontend.config.Endpoint;
import io.fooproxy.frontend.config.FrontendConfig;
import io.fooproxy.frontend.config.Limits;
import io.fooproxy.frontend.config.LiveSettings;
import io.netty.channel.DefaultEventLoop;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class GuardTickerTest {
    /** Idle timeouts of 40 ms make the shortest tick, 10 ms. */
    private static final Limits FAST = Limits.defaults().withIdleTimeouts(Duration.ofMillis(40), Duration.ofMillis(40));
    private static final Duration WAIT = Duration.ofSeconds(5);

    private final DefaultEventLoop loop = new DefaultEventLoop();
    private final LiveSettings settings = new LiveSettings(FAST, AccessRules.ALLOW_ALL);
    private final GuardTicker ticker = new GuardTicker.Tickers(settings).forLoop(loop);
    /** Every check, in order, as (member, the tick's time); touched on the loop only. */
    private final List<Check> checks = new ArrayList<>();

    @AfterEach
    void stopLoop() {
        loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @Test
    void theTickFollowsTheShorterIdleTimeoutWithinTenMillisecondsAndOneSecond() {
        assertThat(GuardTicker.tickFor(FAST)).isEqualTo(TimeUnit.MILLISECONDS.toNanos(10));
        Limits mixed = Limits.defaults().withIdleTimeouts(Duration.ofSeconds(2), Duration.ofMillis(400));
        assertThat(GuardTicker.tickFor(mixed)).isEqualTo(TimeUnit.MILLISECONDS.toNanos(100));
        Limits slow = Limits.defaults().withIdleTimeouts(Duration.ofMinutes(5), Duration.ofMinutes(5));
        assertThat(GuardTicker.tickFor(slow)).isEqualTo(TimeUnit.SECONDS.toNanos(1));
    }

    @Test
    void everyMemberIsCheckedAtEachTickWithTheTicksOneClockReading() throws Exception {
        List<Recorder> members = List.of(new Recorder("a"), new Recorder("b"), new Recorder("c"));
        onLoop(() -> members.forEach(ticker::add));

        awaitOnLoop(() -> members.stream().allMatch(m -> count(m) >= 3));
        List<Check> seen = onLoop(() -> List.copyOf(checks));
        assertThat(seen).hasSizeGreaterThanOrEqualTo(9);
        // a tick checks all three in a row, with one reading of the clock
        for (int i = 0; i + 2 < seen.size(); i += 3) {
            assertThat(seen.subList(i, i + 3)).extracting(Check::member).containsExactlyInAnyOrderElementsOf(members);
            assertThat(seen.subList(i, i + 3)).extracting(Check::now).containsOnly(seen.get(i).now());
        }
        assertThat(onLoop(ticker::size)).isEqualTo(3);
    }

    @Test
    void aRemovedMemberIsCheckedNoMoreWhereverItSat() throws Exception {
        List<Recorder> members = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            members.add(new Recorder("m" + i));
        }
        onLoop(() -> members.forEach(ticker::add));
        Recorder first = members.get(0);
        Recorder middle = members.get(3);
        Recorder last = members.get(5);
        onLoop(() -> {
            ticker.remove(middle);
            ticker.remove(first);
            ticker.remove(last);
            ticker.remove(last); // twice is harmless
            checks.clear();
        });

        List<Recorder> staying = List.of(members.get(1), members.get(2), members.get(4));
        awaitOnLoop(() -> staying.stream().allMatch(m -> count(m) >= 2));
        assertThat(onLoop(() -> List.copyOf(checks))).extracting(Check::member)
                .doesNotContain(first, middle, last)
                .isSubsetOf(staying);
        assertThat(onLoop(ticker::size)).isEqualTo(3);
    }

    @Test
    void aMemberThatLeavesInItsOwnCheckLeavesTheOthersCheckedOncePerTick() throws Exception {
        Recorder before = new Recorder("before");
        Recorder after = new Recorder("after");
        Recorder leaving = new Recorder("leaving") {
            @Override
            void check(Limits limits, long now) {
                super.check(limits, now);
                ticker.remove(this); // as a guard whose pair closed at once
            }
        };
        onLoop(() -> {
            ticker.add(before);
            ticker.add(leaving);
            ticker.add(after);
        });

        awaitOnLoop(() -> count(before) >= 3 && count(after) >= 3);
        List<Check> seen = onLoop(() -> List.copyOf(checks));
        assertThat(seen).filteredOn(c -> c.member() == leaving).hasSize(1);
        long firstTick = seen.get(0).now();
        assertThat(seen).filteredOn(c -> c.now() == firstTick).extracting(Check::member)
                .containsExactlyInAnyOrder(before, leaving, after);
        assertThat(onLoop(ticker::size)).isEqualTo(2);
    }

    @Test
    void theTickerStopsWithItsLastMemberAndStartsAgainWithTheNext() throws Exception {
        Recorder one = new Recorder("one");
        onLoop(() -> ticker.add(one));
        awaitOnLoop(() -> count(one) >= 1);
        assertThat(onLoop(ticker::ticking)).isTrue();
        onLoop(() -> ticker.remove(one));
        assertThat(onLoop(ticker::ticking)).as("no task runs without members").isFalse();
        int checksOfOne = onLoop(() -> count(one));

        Recorder two = new Recorder("two");
        onLoop(() -> ticker.add(two));
        assertThat(onLoop(ticker::ticking)).isTrue();
        awaitOnLoop(() -> count(two) >= 2);
        assertThat(onLoop(() -> count(one))).as("not checked in the ticks after it left").isEqualTo(checksOfOne);
    }

    @Test
    void aReloadSetsThePaceFromTheNextTick() throws Exception {
        Recorder one = new Recorder("one");
        onLoop(() -> ticker.add(one));
        awaitOnLoop(() -> count(one) >= 2);

        assertThat(onLoop(ticker::tickNanos)).isEqualTo(TimeUnit.MILLISECONDS.toNanos(10));
        settings.apply(configWith(Limits.defaults().withIdleTimeouts(Duration.ofMinutes(1), Duration.ofMinutes(1))));

        // the next tick reads the new limits and reschedules at their pace: one check a second
        awaitOnLoop(() -> ticker.tickNanos() == TimeUnit.SECONDS.toNanos(1));
        assertThat(onLoop(ticker::ticking)).isTrue();
        assertThat(onLoop(ticker::size)).isEqualTo(1);
    }

    private int count(Recorder member) {
        return (int) checks.stream().filter(c -> c.member() == member).count();
    }

    private <T> T onLoop(Callable<T> work) throws Exception {
        return loop.submit(work).get(5, TimeUnit.SECONDS);
    }

    private void onLoop(Runnable work) throws Exception {
        loop.submit(work).get(5, TimeUnit.SECONDS);
    }

    private void awaitOnLoop(BooleanSupplier condition) {
        await().atMost(WAIT).pollInterval(Duration.ofMillis(5)).until(() -> onLoop(condition::getAsBoolean));
    }

    private static FrontendConfig configWith(Limits limits) {
        return new FrontendConfig(new Endpoint("127.0.0.1", 0), new Endpoint("127.0.0.1", 8001),
                new Endpoint("127.0.0.1", 9090), "test", Duration.ofMillis(50), "INFO", limits,
                AccessRules.ALLOW_ALL, Optional.empty());
    }

    private record Check(Recorder member, long now) {
    }

    /** Records each check it gets. */
    private class Recorder extends GuardTicker.Member {
        private final String name;

        Recorder(String name) {
            this.name = name;
        }

        @Override
        void check(Limits limits, long now) {
            checks.add(new Check(this, now));
        }

        @Override
        public String toString() {
            return name;
        }
    }
}
