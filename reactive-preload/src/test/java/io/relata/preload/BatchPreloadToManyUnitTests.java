package io.relata.preload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.IntUnaryOperator;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/**
 * Unit tests for the to-many side of {@link BatchPreload}: users own any number of orders, matched by
 * {@code order.userId == user.id}; lists attached in fetch order, empty lists for no match, the cap on values per
 * batch (batches shrink with the fan-out, an overflowing batch is split) and the per-batch hook.
 */
class BatchPreloadToManyUnitTests {

    // ---------------------------------------------------------------- attaching lists

    @Test
    void everyValueOfAKeyIsAttachedInFetchOrder() {
        OrderFetcher fetcher = new OrderFetcher(id -> id % 3);
        users(6).transform(orders(fetcher).batchSize(4).build())
                .map(User::describe)
                .as(StepVerifier::create)
                .expectNext("0:[]", "1:[1-0]", "2:[2-0, 2-1]", "3:[]", "4:[4-0]", "5:[5-0, 5-1]")
                .verifyComplete();
        assertThat(fetcher.calls).containsExactly(List.of(0, 1, 2, 3), List.of(4, 5));
    }

    @Test
    void ownerWithoutValuesGetsAnEmptyListNeverNull() {
        User stale = new User(7);
        stale.orders = List.of(new Order(7, "stale"));
        Flux.just(stale, new User(8)).transform(orders(new OrderFetcher(id -> 0)).build())
                .as(StepVerifier::create)
                .assertNext(u -> assertThat(u.orders).isNotNull().isEmpty())
                .assertNext(u -> assertThat(u.orders).isNotNull().isEmpty())
                .verifyComplete();
        assertThat(stale.setterCalls).isEqualTo(1);
    }

    @Test
    void ownersSharingAKeyGetTheSameUnmodifiableValues() {
        User a = new User(1);
        User b = new User(1);
        Flux.just(a, b, a).transform(orders(new OrderFetcher(id -> 2)).build()).blockLast();
        assertThat(a.orders).isEqualTo(b.orders).extracting(Order::number).containsExactly("1-0", "1-1");
        assertThat(a.setterCalls).as("once per owner instance").isEqualTo(1);
        assertThatThrownBy(() -> a.orders.add(new Order(1, "x"))).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void setterAndListSetterAreExclusive() {
        BatchPreload.Builder<User, Integer, Order> both = orders(new OrderFetcher(id -> 1))
                .setter((user, order) -> { });
        assertThatThrownBy(both::build).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("setter").hasMessageContaining("listSetter");
        assertThatNullPointerException().isThrownBy(() -> BatchPreload.<User, Integer, Order>builder()
                .listSetter(null)).withMessage("listSetter must not be null");
        assertThatNullPointerException().isThrownBy(() -> BatchPreload.<User, Integer, Order>builder()
                .onBatch(null)).withMessage("onBatch must not be null");
        assertThatIllegalArgumentException().isThrownBy(() -> BatchPreload.<User, Integer, Order>builder()
                .maxValuesPerBatch(0)).withMessageContaining("maxValuesPerBatch");
    }

    // ---------------------------------------------------------------- bounded by values, not owners

    @Test
    void batchesShrinkToTheCapOnceTheFanOutIsKnown() {
        // 10 orders per user and a cap of 100 values: the first batch of 20 users overflows at 101 values and is
        // split (10 + 10 users, 100 values each); later batches are cut to 10 users from the start.
        OrderFetcher fetcher = new OrderFetcher(id -> 10);
        List<User> users = users(60).transform(orders(fetcher).batchSize(20).maxValuesPerBatch(100).concurrency(1).build())
                .collectList().block();
        assertThat(users).hasSize(60).allSatisfy(u -> assertThat(u.orders).hasSize(10));
        assertThat(fetcher.calls).extracting(List::size).containsExactly(20, 10, 10, 10, 10, 10, 10);
        assertThat(fetcher.cancelled.get()).as("the overflowing fetch was cancelled").isEqualTo(1);
        assertThat(fetcher.maxKept.get()).as("values kept per completed fetch").isLessThanOrEqualTo(100);
    }

    @Test
    void batchesGrowBackWhenTheFanOutDrops() {
        // Users 0..29 have 10 orders, the others 1; cap 100, batch size 30.
        OrderFetcher fetcher = new OrderFetcher(id -> id < 30 ? 10 : 1);
        users(150).transform(orders(fetcher).batchSize(30).maxValuesPerBatch(100).concurrency(1).build())
                .blockLast();
        List<Integer> sizes = fetcher.calls.stream().map(List::size).toList();
        assertThat(sizes.subList(sizes.size() - 2, sizes.size())).as("full batches again at the end")
                .containsOnly(30);
        assertThat(fetcher.maxKept.get()).isLessThanOrEqualTo(100);
    }

    @Test
    void aSingleKeyIsNeverSplitWhateverItsValues() {
        OrderFetcher fetcher = new OrderFetcher(id -> id == 3 ? 500 : 2);
        List<User> users = users(8).transform(orders(fetcher).batchSize(8).maxValuesPerBatch(50).concurrency(1).build())
                .collectList().block();
        assertThat(users).extracting(u -> u.orders.size()).containsExactly(2, 2, 2, 500, 2, 2, 2, 2);
        // 8 keys overflow, then 4 + 4 (the half with user 3 overflows again), 2 + 2, then user 3 alone.
        assertThat(fetcher.calls).contains(List.of(3));
        assertThat(fetcher.maxKept.get()).as("only the single key passes the cap").isEqualTo(500);
    }

    @Test
    void splitHalvesKeepTheOwnerOrderAndAreFetchedOneAfterTheOther() {
        List<String> events = new CopyOnWriteArrayList<>();
        OrderFetcher fetcher = new OrderFetcher(id -> 4);
        List<Integer> emitted = users(8)
                .transform(orders(keys -> {
                    events.add("fetch " + keys);
                    return fetcher.apply(keys);
                }).batchSize(8).maxValuesPerBatch(10).build())
                .doOnNext(u -> events.add("emit " + u.id))
                .map(u -> u.id).collectList().block();
        assertThat(emitted).containsExactly(0, 1, 2, 3, 4, 5, 6, 7);
        // The second half is fetched only after the first half has been emitted.
        assertThat(events.indexOf("emit 1")).isLessThan(events.indexOf("fetch [2, 3]"));
        assertThat(events.indexOf("emit 3")).isLessThan(events.indexOf("fetch [4, 5]"));
    }

    @Test
    void aSharedHintSizesTheFirstBatchOfTheNextStream() {
        BatchPreload.SizingHint hint = new BatchPreload.SizingHint();
        OrderFetcher first = new OrderFetcher(id -> 10);
        users(40).transform(orders(first).batchSize(20).maxValuesPerBatch(100).concurrency(1).sizingHint(hint)
                .build()).blockLast();
        assertThat(first.cancelled.get()).as("the first stream learns by overflowing once").isEqualTo(1);
        assertThat(hint.valuesPerOwner()).isEqualTo(10.0);
        OrderFetcher second = new OrderFetcher(id -> 10);
        users(40).transform(orders(second).batchSize(20).maxValuesPerBatch(100).concurrency(1).sizingHint(hint)
                .build()).blockLast();
        assertThat(second.cancelled.get()).as("the next one starts sized").isZero();
        assertThat(second.calls).extracting(List::size).containsExactly(10, 10, 10, 10);
        assertThatNullPointerException().isThrownBy(() -> BatchPreload.<User, Integer, Order>builder()
                .sizingHint(null)).withMessage("hint must not be null");
    }

    @Test
    void withoutACapBatchesKeepTheirSize() {
        OrderFetcher fetcher = new OrderFetcher(id -> 50);
        users(30).transform(orders(fetcher).batchSize(10).build()).blockLast();
        assertThat(fetcher.calls).extracting(List::size).containsExactly(10, 10, 10);
        assertThat(fetcher.cancelled.get()).isZero();
    }

    @Test
    void valuesOfKeysNoOwnerAskedForAreNotCounted() {
        // Every fetch also returns 1,000 values of an unknown key: ignored, so they never trip the cap.
        OrderFetcher fetcher = new OrderFetcher(id -> 1);
        Function<List<Integer>, Publisher<Order>> noisy = keys -> Flux.concat(
                Flux.range(0, 1_000).map(i -> new Order(-1, "noise")), fetcher.apply(keys));
        users(20).transform(orders(noisy).batchSize(20).maxValuesPerBatch(50).build()).blockLast();
        assertThat(fetcher.calls).extracting(List::size).containsExactly(20);
    }

    // ---------------------------------------------------------------- the batch hook

    @Test
    void batchHookRunsAfterAttachingAndBeforeEmitting() {
        List<String> events = new CopyOnWriteArrayList<>();
        BatchPreload<User, Integer, Order> preload = orders(new OrderFetcher(id -> 1)).batchSize(2).concurrency(1)
                .onBatch(batch -> Mono.fromRunnable(() -> {
                    assertThat(batch).allSatisfy(u -> assertThat(u.orders).hasSize(1));
                    events.add("hook " + batch);
                }))
                .build();
        users(3).transform(preload).doOnNext(u -> events.add("emit " + u.id)).blockLast();
        assertThat(events).containsExactly("hook [User0, User1]", "emit 0", "emit 1", "hook [User2]", "emit 2");
    }

    @Test
    void batchHookErrorsAndNullsPropagate() {
        BatchPreload<User, Integer, Order> failing = orders(new OrderFetcher(id -> 1))
                .onBatch(batch -> Mono.error(new IllegalStateException("nested level failed"))).build();
        users(3).transform(failing).as(StepVerifier::create)
                .verifyErrorMessage("nested level failed");
        BatchPreload<User, Integer, Order> nulls = orders(new OrderFetcher(id -> 1)).onBatch(batch -> null).build();
        users(3).transform(nulls).as(StepVerifier::create)
                .verifyErrorSatisfies(e -> assertThat(e).isInstanceOf(NullPointerException.class)
                        .hasMessage("onBatch must not return null"));
    }

    @Test
    void batchHookRunsOncePerSplitHalf() {
        AtomicInteger hooks = new AtomicInteger();
        users(8).transform(orders(new OrderFetcher(id -> 3)).batchSize(8).maxValuesPerBatch(12)
                .onBatch(batch -> Mono.fromRunnable(hooks::incrementAndGet)).build()).blockLast();
        assertThat(hooks.get()).as("8 users of 3 orders: two halves of 12").isEqualTo(2);
    }

    @Test
    void singleValuePreloadsAcceptTheHookToo() {
        Map<Integer, String> seen = new java.util.concurrent.ConcurrentHashMap<>();
        BatchPreload<User, Integer, Order> preload = BatchPreload.<User, Integer, Order>builder()
                .ownerKey(u -> u.id)
                .fetcher(keys -> Flux.fromIterable(keys).map(k -> new Order(k, "o" + k)))
                .valueKey(Order::userId)
                .setter((u, o) -> u.orders = o == null ? null : List.of(o))
                .onBatch(batch -> Mono.fromRunnable(() -> batch.forEach(u -> seen.put(u.id, u.orders.get(0).number()))))
                .build();
        users(3).transform(preload).blockLast();
        assertThat(seen).containsEntry(0, "o0").containsEntry(2, "o2").hasSize(3);
    }

    // ---------------------------------------------------------------- fixtures

    static final class User {

        final int id;

        @Nullable List<Order> orders;

        int setterCalls;

        User(int id) {
            this.id = id;
        }

        void setOrders(List<Order> orders) {
            this.orders = orders;
            this.setterCalls++;
        }

        String describe() {
            return this.id + ":" + (this.orders == null ? "null" : this.orders.stream().map(Order::number).toList());
        }

        @Override
        public String toString() {
            return "User" + this.id;
        }
    }

    record Order(Integer userId, String number) {
    }

    /**
     * Returns {@code fanOut(key)} orders per key, numbered {@code <key>-<n>}, key after key; records the key lists it
     * was called with, how many fetches were cancelled, and the most values a completed fetch emitted.
     */
    static final class OrderFetcher implements Function<List<Integer>, Publisher<Order>> {

        final List<List<Integer>> calls = new CopyOnWriteArrayList<>();

        final AtomicInteger cancelled = new AtomicInteger();

        final AtomicLong maxKept = new AtomicLong();

        private final IntUnaryOperator fanOut;

        OrderFetcher(IntUnaryOperator fanOut) {
            this.fanOut = fanOut;
        }

        @Override
        public Publisher<Order> apply(List<Integer> keys) {
            this.calls.add(keys);
            List<Order> orders = new ArrayList<>();
            for (Integer key : keys) {
                for (int n = 0; n < this.fanOut.applyAsInt(key); n++) {
                    orders.add(new Order(key, key + "-" + n));
                }
            }
            AtomicLong emitted = new AtomicLong();
            return Flux.fromIterable(orders)
                    .doOnNext(o -> emitted.incrementAndGet())
                    .doOnCancel(this.cancelled::incrementAndGet)
                    .doOnComplete(() -> this.maxKept.accumulateAndGet(emitted.get(), Math::max));
        }
    }

    private static BatchPreload.Builder<User, Integer, Order> orders(
            Function<? super List<Integer>, ? extends Publisher<? extends Order>> fetcher) {
        return BatchPreload.<User, Integer, Order>builder()
                .ownerKey(u -> u.id)
                .fetcher(fetcher)
                .valueKey(Order::userId)
                .listSetter(User::setOrders);
    }

    private static Flux<User> users(int count) {
        return Flux.range(0, count).map(User::new);
    }
}
