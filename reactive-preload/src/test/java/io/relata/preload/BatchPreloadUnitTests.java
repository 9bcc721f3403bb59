package io.relata.preload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Publisher;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/**
 * Unit tests for {@link BatchPreload}: users own at most one credit card, matched by {@code card.userId == user.key}.
 */
class BatchPreloadUnitTests {

    // ---------------------------------------------------------------- attaching and ordering

    @Test
    void preloadAttachesMatchingValuesAndKeepsOwnerOrder() {
        CardFetcher fetcher = new CardFetcher();
        BatchPreload<User, Integer, Card> preload = cards(fetcher).batchSize(3).build();

        users(7).transform(preload)
                .map(user -> user.id + ":" + numberOf(user))
                .as(StepVerifier::create)
                .expectNext("0:card-0", "1:card-1", "2:card-2", "3:card-3", "4:card-4", "5:card-5", "6:card-6")
                .verifyComplete();

        assertThat(fetcher.calls).containsExactly(List.of(0, 1, 2), List.of(3, 4, 5), List.of(6));
    }

    @Test
    void preloadKeepsOwnerOrderWhenFetchesCompleteOutOfOrder() {
        // Batches start at keys 0, 2 and 4; their fetches take 3 s, 1 s and 2 s, so they complete as 2, 4, 0.
        Map<Integer, Duration> delays = Map.of(0, Duration.ofSeconds(3), 2, Duration.ofSeconds(1), 4,
                Duration.ofSeconds(2));
        List<Integer> completed = new CopyOnWriteArrayList<>();
        BatchPreload<User, Integer, Card> preload = cards(keys -> Mono.delay(delays.get(keys.get(0)))
                .thenMany(cardsFor(keys))
                .doOnComplete(() -> completed.add(keys.get(0))))
                .batchSize(2)
                .concurrency(3)
                .build();

        StepVerifier.withVirtualTime(() -> users(6).transform(preload).map(user -> user.id + ":" + numberOf(user)))
                .expectSubscription()
                // the later batches are done at 1 s and 2 s but wait for the first one
                .expectNoEvent(Duration.ofSeconds(3))
                .expectNext("0:card-0", "1:card-1", "2:card-2", "3:card-3", "4:card-4", "5:card-5")
                .verifyComplete();

        assertThat(completed).containsExactly(2, 4, 0);
    }

    @Test
    void preloadCallsSetterBeforeEmittingOwner() {
        BatchPreload<User, Integer, Card> preload = cards(new CardFetcher()).batchSize(4).build();

        users(10).transform(preload)
                .as(StepVerifier::create)
                .thenConsumeWhile(user -> user.card != null && user.setterCalls == 1)
                .verifyComplete();
    }

    // ---------------------------------------------------------------- keys

    @Test
    void preloadPassesDistinctKeysInFirstSeenOrder() {
        CardFetcher fetcher = new CardFetcher();
        BatchPreload<User, Integer, Card> preload = cards(fetcher).batchSize(5).build();

        Flux.just(user(0, 3), user(1, 1), user(2, 3), user(3, 2), user(4, 1), user(5, 1), user(6, 1), user(7, 4))
                .transform(preload)
                .map(User::number)
                .as(StepVerifier::create)
                .expectNext("card-3", "card-1", "card-3", "card-2", "card-1", "card-1", "card-1", "card-4")
                .verifyComplete();

        assertThat(fetcher.calls).containsExactly(List.of(3, 1, 2), List.of(1, 4));
    }

    @Test
    void preloadSkipsNullKeysAndDoesNotFetchWhenAllKeysAreNull() {
        CardFetcher fetcher = new CardFetcher();
        BatchPreload<User, Integer, Card> preload = cards(fetcher).batchSize(3).build();
        User stale = user(3, null);
        stale.card = new Card(99, "stale");

        Flux.just(user(0, null), user(1, 1), user(2, null), stale, user(4, null))
                .transform(preload)
                .as(StepVerifier::create)
                .assertNext(user -> assertThat(user.card).isNull())
                .assertNext(user -> assertThat(user.number()).isEqualTo("card-1"))
                .assertNext(user -> assertThat(user.card).isNull())
                .assertNext(user -> assertThat(user.card).isNull())
                .assertNext(user -> assertThat(user.card).isNull())
                .verifyComplete();

        // the second batch has only null keys: it is not fetched at all
        assertThat(fetcher.calls).containsExactly(List.of(1));
        assertThat(stale.setterCalls).isEqualTo(1);
    }

    @Test
    void preloadPassesAnUnmodifiableKeyListToTheFetcher() {
        CardFetcher fetcher = new CardFetcher();

        users(3).transform(cards(fetcher).build()).as(StepVerifier::create).expectNextCount(3).verifyComplete();

        assertThat(fetcher.calls).singleElement()
                .satisfies(keys -> assertThatThrownBy(() -> keys.add(42))
                        .isInstanceOf(UnsupportedOperationException.class));
    }

    // ---------------------------------------------------------------- matching

    @Test
    void ownerWithoutMatchGetsNullSoStaleValueIsReset() {
        User withStaleCard = user(1, 1);
        withStaleCard.card = new Card(1, "stale");
        // the fetcher finds a card for key 0 only
        BatchPreload<User, Integer, Card> preload = cards(keys -> Flux.just(new Card(0, "card-0"))).build();

        Flux.just(user(0, 0), withStaleCard)
                .transform(preload)
                .as(StepVerifier::create)
                .assertNext(user -> assertThat(user.number()).isEqualTo("card-0"))
                .assertNext(user -> {
                    assertThat(user).isSameAs(withStaleCard);
                    assertThat(user.card).isNull();
                    assertThat(user.setterCalls).isEqualTo(1);
                })
                .verifyComplete();
    }

    @Test
    void valuesWithUnknownOrNullKeysAreIgnored() {
        BatchPreload<User, Integer, Card> preload = cards(keys -> Flux.just(new Card(99, "unknown"),
                new Card(null, "no key"), new Card(1, "card-1")))
                .build();

        Flux.just(user(0, 0), user(1, 1))
                .transform(preload)
                .map(user -> String.valueOf(user.card == null ? null : user.card.number()))
                .as(StepVerifier::create)
                .expectNext("null", "card-1")
                .verifyComplete();
    }

    @Test
    void duplicateValuesKeepTheLastOneByDefault() {
        BatchPreload<User, Integer, Card> preload = cards(keys -> Flux.just(new Card(1, "first"),
                new Card(2, "other"), new Card(1, "second"), new Card(1, "third")))
                .build();

        Flux.just(user(1, 1), user(2, 2))
                .transform(preload)
                .map(User::number)
                .as(StepVerifier::create)
                .expectNext("third", "other")
                .verifyComplete();
    }

    @Test
    void duplicateValuesUseTheCustomMerge() {
        List<String> merged = new ArrayList<>();
        BatchPreload<User, Integer, Card> preload = cards(keys -> Flux.just(new Card(1, "a"), new Card(1, "b"),
                new Card(1, "c")))
                .merge((kept, next) -> {
                    merged.add(kept.number() + "+" + next.number());
                    return new Card(kept.userId(), kept.number() + next.number());
                })
                .build();

        Flux.just(user(1, 1))
                .transform(preload)
                .map(User::number)
                .as(StepVerifier::create)
                .expectNext("abc")
                .verifyComplete();

        assertThat(merged).containsExactly("a+b", "ab+c");
    }

    @Test
    void sameOwnerTwiceGetsTheValueEachTime() {
        CardFetcher fetcher = new CardFetcher();
        User twice = user(1, 1);
        User other = user(2, 2);
        BatchPreload<User, Integer, Card> preload = cards(fetcher).batchSize(2).build();

        // batches: [twice, other], [twice, twice]
        Flux.just(twice, other, twice, twice)
                .transform(preload)
                .as(StepVerifier::create)
                .expectNextMatches(user -> user == twice && "card-1".equals(user.number()))
                .expectNextMatches(user -> user == other && "card-2".equals(user.number()))
                .expectNextMatches(user -> user == twice && "card-1".equals(user.number()))
                .expectNextMatches(user -> user == twice && "card-1".equals(user.number()))
                .verifyComplete();

        // once per owner instance per batch
        assertThat(twice.setterCalls).isEqualTo(2);
        assertThat(fetcher.calls).containsExactly(List.of(1, 2), List.of(1));
    }

    @Test
    void ownersSharingAKeyAreEachGivenTheValueOncePerBatch() {
        // A belongs-to's shape: three distinct owners share key 1 (one of them occurs twice, after another one), and
        // an owner without a key occurs twice.
        CardFetcher fetcher = new CardFetcher();
        User first = user(1, 1);
        User second = user(2, 1);
        User third = user(3, 1);
        User keyless = user(4, null);
        BatchPreload<User, Integer, Card> preload = cards(fetcher).batchSize(7).build();

        Flux.just(first, second, keyless, first, third, keyless, second)
                .transform(preload)
                .as(StepVerifier::create)
                .expectNext(first, second, keyless, first, third, keyless, second)
                .verifyComplete();

        assertThat(List.of(first, second, third)).allSatisfy(user -> {
            assertThat(user.setterCalls).isEqualTo(1);
            assertThat(user.number()).isEqualTo("card-1");
        });
        assertThat(keyless.setterCalls).isEqualTo(1);
        assertThat(keyless.card).isNull();
        assertThat(fetcher.calls).containsExactly(List.of(1));
    }

    // ---------------------------------------------------------------- batching, concurrency, backpressure

    @Test
    void batchSizeDeterminesTheFetcherCalls() {
        CardFetcher fetcher = new CardFetcher();
        BatchPreload<User, Integer, Card> preload = cards(fetcher).batchSize(1000).build();

        users(2500).transform(preload).as(StepVerifier::create).expectNextCount(2500).verifyComplete();

        assertThat(fetcher.calls).hasSize(3);
        assertThat(fetcher.calls.get(0)).isEqualTo(range(0, 1000));
        assertThat(fetcher.calls.get(1)).isEqualTo(range(1000, 2000));
        assertThat(fetcher.calls.get(2)).isEqualTo(range(2000, 2500));
    }

    @Test
    void defaultsAreOneThousandOwnersAndTwoBatchesInFlight() {
        assertThat(BatchPreload.DEFAULT_BATCH_SIZE).isEqualTo(1000);
        assertThat(BatchPreload.DEFAULT_CONCURRENCY).isEqualTo(2);
        CardFetcher fetcher = new CardFetcher();

        users(2500).transform(cards(fetcher).build()).as(StepVerifier::create).expectNextCount(2500).verifyComplete();

        assertThat(fetcher.calls).extracting(List::size).containsExactly(1000, 1000, 500);
    }

    @Test
    void concurrencyBoundsTheFetchesInFlight() {
        AtomicInteger inFlight = new AtomicInteger();
        AtomicInteger maxInFlight = new AtomicInteger();
        BatchPreload<User, Integer, Card> preload = cards(keys -> Mono.delay(Duration.ofSeconds(1))
                .thenMany(cardsFor(keys))
                .doOnSubscribe(subscription -> maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max))
                // counted down before the termination travels downstream, where it may start the next fetch
                .doOnTerminate(inFlight::decrementAndGet)
                .doOnCancel(inFlight::decrementAndGet))
                .batchSize(10)
                .concurrency(3)
                .build();

        // 9 batches of 1 s, 3 at a time: all done after 3 s of virtual time, not 9
        StepVerifier.withVirtualTime(() -> users(90).transform(preload))
                .expectSubscription()
                .thenAwait(Duration.ofSeconds(3))
                .expectNextCount(90)
                .verifyComplete();

        assertThat(maxInFlight).hasValue(3);
        assertThat(inFlight).hasValue(0);
    }

    @Test
    void concurrencyOfOneFetchesOneBatchAtATime() {
        AtomicInteger inFlight = new AtomicInteger();
        AtomicInteger maxInFlight = new AtomicInteger();
        BatchPreload<User, Integer, Card> preload = cards(keys -> Mono.delay(Duration.ofSeconds(1))
                .thenMany(cardsFor(keys))
                .doOnSubscribe(subscription -> maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max))
                // counted down before the termination travels downstream, where it may start the next fetch
                .doOnTerminate(inFlight::decrementAndGet)
                .doOnCancel(inFlight::decrementAndGet))
                .batchSize(10)
                .concurrency(1)
                .build();

        StepVerifier.withVirtualTime(() -> users(30).transform(preload))
                .expectSubscription()
                .thenAwait(Duration.ofSeconds(2))
                .expectNextCount(20)
                .thenAwait(Duration.ofSeconds(1))
                .expectNextCount(10)
                .verifyComplete();

        assertThat(maxInFlight).hasValue(1);
    }

    @Test
    void requestOfOneReadsOnlyABoundedPrefixOfTheUpstream() {
        AtomicInteger produced = new AtomicInteger();
        List<Long> requests = new CopyOnWriteArrayList<>();
        Flux<User> owners = endlessOwners(produced, requests);
        CardFetcher fetcher = new CardFetcher();
        BatchPreload<User, Integer, Card> preload = cards(fetcher).batchSize(100).concurrency(2).build();
        int bound = (2 + 1) * 100;

        StepVerifier.create(owners.transform(preload), 1)
                .expectNextMatches(user -> user.id == 0 && "card-0".equals(user.number()))
                .then(() -> {
                    assertThat(produced.get()).isBetween(100, bound);
                    assertThat(fetcher.calls.size()).isLessThanOrEqualTo(3);
                })
                .thenRequest(249)
                .expectNextCount(249)
                .then(() -> assertThat(produced.get()).isBetween(250, 250 + bound))
                .thenCancel()
                .verify();

        assertThat(requests).doesNotContain(Long.MAX_VALUE);
        assertThat(requests.stream().mapToLong(Long::longValue).sum()).isLessThanOrEqualTo(250 + bound);
    }

    @Test
    void growingBatchesDoubleUpToTheMaximumAndKeepEveryOwnerInOrder() {
        CardFetcher fetcher = new CardFetcher();
        BatchPreload<User, Integer, Card> preload = cards(fetcher).batchSize(100).maxBatchSize(800).build();

        users(2250).transform(preload)
                .as(StepVerifier::create)
                .thenConsumeWhile(user -> ("card-" + user.id).equals(user.number()) && user.setterCalls == 1)
                .verifyComplete();

        assertThat(fetcher.calls).extracting(List::size).containsExactly(100, 200, 400, 800, 750);
        assertThat(fetcher.calls.stream().flatMap(List::stream)).isEqualTo(range(0, 2250));
    }

    @Test
    void growingBatchesRoundTheMaximumDownToWholeBatchesAndNeverShrinkBelowOne() {
        CardFetcher grown = new CardFetcher();
        users(1000).transform(cards(grown).batchSize(100).maxBatchSize(350).build())
                .as(StepVerifier::create).expectNextCount(1000).verifyComplete();
        CardFetcher fixed = new CardFetcher();
        users(250).transform(cards(fixed).batchSize(100).maxBatchSize(50).build())
                .as(StepVerifier::create).expectNextCount(250).verifyComplete();

        assertThat(grown.calls).extracting(List::size).containsExactly(100, 200, 300, 300, 100);
        assertThat(fixed.calls).extracting(List::size).containsExactly(100, 100, 50);
    }

    @Test
    void growingBatchesFetchTheFirstBatchAfterBatchSizeOwnersAndBoundTheUpstream() {
        AtomicInteger produced = new AtomicInteger();
        List<Long> requests = new CopyOnWriteArrayList<>();
        Flux<User> owners = endlessOwners(produced, requests);
        CardFetcher fetcher = new CardFetcher();
        BatchPreload<User, Integer, Card> preload = cards(fetcher).batchSize(100).maxBatchSize(400).concurrency(2)
                .build();
        int bound = (2 + 2) * 400;

        StepVerifier.create(owners.transform(preload), 1)
                .expectNextMatches(user -> user.id == 0 && "card-0".equals(user.number()))
                .then(() -> {
                    // the first owner came with the first batch of 100, not after a batch of 400
                    assertThat(fetcher.calls.get(0)).isEqualTo(range(0, 100));
                    assertThat(produced.get()).isBetween(100, bound);
                })
                .thenRequest(2999)
                .expectNextCount(2999)
                .then(() -> assertThat(produced.get()).isBetween(3000, 3000 + bound))
                .thenCancel()
                .verify();

        assertThat(requests).doesNotContain(Long.MAX_VALUE);
        assertThat(fetcher.calls).extracting(List::size).startsWith(100, 200, 400, 400);
    }

    @Test
    void growingToManyBatchesAreStillCutByTheValuesTheyHold() {
        List<List<Integer>> calls = new CopyOnWriteArrayList<>();
        // ten values per owner, at most 1,000 values a batch: batches of 100 owners whatever the growth allows
        BatchPreload<User, Integer, Card> preload = BatchPreload.<User, Integer, Card>builder()
                .ownerKey(User::key)
                .fetcher(keys -> {
                    calls.add(keys);
                    return Flux.fromIterable(keys).concatMap(k -> Flux.range(0, 10).map(i -> new Card(k, k + "-" + i)));
                })
                .valueKey(Card::userId)
                .listSetter((user, cards) -> user.setCard(cards.get(cards.size() - 1)))
                .batchSize(100)
                .maxBatchSize(1600)
                .maxValuesPerBatch(1000)
                .build();

        users(3000).transform(preload).as(StepVerifier::create)
                .thenConsumeWhile(user -> (user.id + "-9").equals(user.number()))
                .verifyComplete();

        assertThat(calls.stream().flatMap(List::stream)).isEqualTo(range(0, 3000));
        assertThat(calls.subList(1, calls.size())).allSatisfy(keys -> assertThat(keys).hasSizeLessThanOrEqualTo(100));
    }

    @Test
    void emittedBatchesAreNotRetained() throws InterruptedException {
        List<WeakReference<User>> firstOwners = new CopyOnWriteArrayList<>();
        List<WeakReference<Card>> firstCards = new CopyOnWriteArrayList<>();
        AtomicInteger received = new AtomicInteger();
        // batches of 10; the fourth batch's fetch never completes, which keeps the subscription open
        BatchPreload<User, Integer, Card> preload = cards(keys -> keys.get(0) == 30 ? Mono.never()
                : cardsFor(keys).doOnNext(card -> {
                    if (keys.get(0) == 0) {
                        firstCards.add(new WeakReference<>(card));
                    }
                }))
                .batchSize(10)
                .build();
        Disposable subscription = Flux.range(0, 1000)
                .map(i -> user(i, i))
                .doOnNext(user -> {
                    if (user.id < 10) {
                        firstOwners.add(new WeakReference<>(user));
                    }
                })
                .transform(preload)
                .subscribe(user -> received.incrementAndGet());
        try {
            assertThat(received).hasValue(30);
            assertThat(firstOwners).hasSize(10);
            assertThat(firstCards).hasSize(10);
            for (int attempt = 0; attempt < 50 && !allCleared(firstOwners, firstCards); attempt++) {
                System.gc();
                Thread.sleep(20);
            }
            assertThat(allCleared(firstOwners, firstCards)).as("first batch collected while the stream is open")
                    .isTrue();
        }
        finally {
            subscription.dispose();
        }
    }

    @Test
    void emptyUpstreamCompletesWithoutFetching() {
        CardFetcher fetcher = new CardFetcher();

        Flux.<User>empty().transform(cards(fetcher).build()).as(StepVerifier::create).verifyComplete();

        assertThat(fetcher.calls).isEmpty();
    }

    @Test
    void preloadIsColdAndReusable() {
        CardFetcher fetcher = new CardFetcher();
        BatchPreload<User, Integer, Card> preload = cards(fetcher).batchSize(2).build();

        Flux<User> preloaded = preload.apply(users(3));
        assertThat(fetcher.calls).as("nothing is fetched before subscription").isEmpty();

        preloaded.as(StepVerifier::create).expectNextCount(3).verifyComplete();
        users(1).transform(preload).as(StepVerifier::create).expectNextCount(1).verifyComplete();

        assertThat(fetcher.calls).containsExactly(List.of(0, 1), List.of(2), List.of(0));
    }

    // ---------------------------------------------------------------- errors

    @Test
    void upstreamErrorPropagatesAndThePartialBatchIsNotFetched() {
        CardFetcher fetcher = new CardFetcher();
        BatchPreload<User, Integer, Card> preload = cards(fetcher).batchSize(2).build();

        users(3).concatWith(Flux.error(new IllegalStateException("upstream failed")))
                .transform(preload)
                .as(StepVerifier::create)
                .expectNextCount(2)
                .expectErrorSatisfies(error -> assertThat(error).isInstanceOf(IllegalStateException.class)
                        .hasMessage("upstream failed"))
                .verify();

        assertThat(fetcher.calls).containsExactly(List.of(0, 1));
    }

    @Test
    void fetcherThrowingSynchronouslySignalsErrorAndCancelsUpstream() {
        AtomicBoolean upstreamCancelled = new AtomicBoolean();
        AtomicInteger setterCalls = new AtomicInteger();
        BatchPreload<User, Integer, Card> preload = BatchPreload.<User, Integer, Card>builder()
                .ownerKey(User::key)
                .fetcher(keys -> {
                    throw new IllegalStateException("fetch failed");
                })
                .valueKey(Card::userId)
                .setter((user, card) -> setterCalls.incrementAndGet())
                .batchSize(5)
                .build();

        users(100).doOnCancel(() -> upstreamCancelled.set(true))
                .transform(preload)
                .as(StepVerifier::create)
                .verifyErrorSatisfies(error -> assertThat(error).isInstanceOf(IllegalStateException.class)
                        .hasMessage("fetch failed"));

        assertThat(upstreamCancelled).isTrue();
        assertThat(setterCalls).hasValue(0);
    }

    @Test
    void fetcherErrorSignalPropagates() {
        AtomicBoolean upstreamCancelled = new AtomicBoolean();
        BatchPreload<User, Integer, Card> preload = cards(keys -> Flux.error(new IllegalStateException("query failed")))
                .batchSize(5)
                .build();

        users(100).doOnCancel(() -> upstreamCancelled.set(true))
                .transform(preload)
                .as(StepVerifier::create)
                .verifyErrorMessage("query failed");

        assertThat(upstreamCancelled).isTrue();
    }

    @Test
    void fetcherReturningNullSignalsNullPointerException() {
        BatchPreload<User, Integer, Card> preload = cards(keys -> null).build();

        users(3).transform(preload)
                .as(StepVerifier::create)
                .verifyErrorSatisfies(error -> assertThat(error).isInstanceOf(NullPointerException.class)
                        .hasMessage("fetcher must not return null"));
    }

    @Test
    void failingBatchCancelsTheOtherFetchesInFlight() {
        AtomicInteger cancelledFetches = new AtomicInteger();
        // the first batch's fetch hangs, the second one fails: the error must not wait for the first
        BatchPreload<User, Integer, Card> preload = cards(keys -> keys.get(0) == 0
                ? Mono.<Card>never().doOnCancel(cancelledFetches::incrementAndGet)
                : Flux.error(new IllegalStateException("second batch failed")))
                .batchSize(2)
                .build();

        users(4).transform(preload)
                .as(StepVerifier::create)
                .expectErrorMessage("second batch failed")
                .verify(Duration.ofSeconds(5));

        assertThat(cancelledFetches).hasValue(1);
    }

    @Test
    void ownerKeyErrorPropagates() {
        CardFetcher fetcher = new CardFetcher();
        BatchPreload<User, Integer, Card> preload = BatchPreload.<User, Integer, Card>builder()
                .ownerKey(user -> {
                    if (user.id == 3) {
                        throw new IllegalArgumentException("bad owner 3");
                    }
                    return user.key;
                })
                .fetcher(fetcher)
                .valueKey(Card::userId)
                .setter(User::setCard)
                .batchSize(2)
                .build();

        users(6).transform(preload)
                .as(StepVerifier::create)
                .expectNextCount(2)
                .verifyErrorSatisfies(error -> assertThat(error).isInstanceOf(IllegalArgumentException.class)
                        .hasMessage("bad owner 3"));

        assertThat(fetcher.calls).containsExactly(List.of(0, 1));
    }

    @Test
    void valueKeyErrorPropagatesAndCancelsTheFetch() {
        AtomicBoolean fetchCancelled = new AtomicBoolean();
        BatchPreload<User, Integer, Card> preload = BatchPreload.<User, Integer, Card>builder()
                .ownerKey(User::key)
                .fetcher(keys -> Flux.range(0, 1000).map(i -> new Card(i, "card-" + i))
                        .doOnCancel(() -> fetchCancelled.set(true)))
                .valueKey(card -> {
                    throw new IllegalStateException("unreadable row");
                })
                .setter(User::setCard)
                .build();

        users(3).transform(preload).as(StepVerifier::create).verifyErrorMessage("unreadable row");

        assertThat(fetchCancelled).isTrue();
    }

    @Test
    void setterErrorPropagates() {
        BatchPreload<User, Integer, Card> preload = BatchPreload.<User, Integer, Card>builder()
                .ownerKey(User::key)
                .fetcher(new CardFetcher())
                .valueKey(Card::userId)
                .setter((user, card) -> {
                    throw new UnsupportedOperationException("read-only owner");
                })
                .build();

        users(3).transform(preload)
                .as(StepVerifier::create)
                .verifyErrorSatisfies(error -> assertThat(error).isInstanceOf(UnsupportedOperationException.class)
                        .hasMessage("read-only owner"));
    }

    @Test
    void mergeErrorsPropagate() {
        Function<List<Integer>, Publisher<Card>> twoCards = keys -> Flux.just(new Card(1, "a"), new Card(1, "b"));

        Flux.just(user(1, 1))
                .transform(cards(twoCards).merge((kept, next) -> {
                    throw new IllegalStateException("ambiguous card");
                }).build())
                .as(StepVerifier::create)
                .verifyErrorMessage("ambiguous card");
        Flux.just(user(1, 1))
                .transform(cards(twoCards).merge((kept, next) -> null).build())
                .as(StepVerifier::create)
                .verifyErrorSatisfies(error -> assertThat(error).isInstanceOf(NullPointerException.class)
                        .hasMessage("merge must not return null"));
    }

    // ---------------------------------------------------------------- cancellation

    @Test
    void cancellationCancelsFetchesInFlightAndUpstream() {
        AtomicInteger cancelledFetches = new AtomicInteger();
        AtomicBoolean upstreamCancelled = new AtomicBoolean();
        BatchPreload<User, Integer, Card> preload = cards(keys -> Mono.<Card>never()
                .doOnCancel(cancelledFetches::incrementAndGet))
                .batchSize(5)
                .build();

        // 10 owners fill two batches, both fetched (concurrency 2); the upstream then stays open
        users(10).concatWith(Flux.never())
                .doOnCancel(() -> upstreamCancelled.set(true))
                .transform(preload)
                .as(StepVerifier::create)
                .expectSubscription()
                .expectNoEvent(Duration.ofMillis(50))
                .thenCancel()
                .verify(Duration.ofSeconds(5));

        assertThat(cancelledFetches).hasValue(2);
        assertThat(upstreamCancelled).isTrue();
    }

    @Test
    void cancellingAStreamingPreloadPartWayCancelsTheDelayedFetch() {
        AtomicInteger fetches = new AtomicInteger();
        AtomicInteger cancelledFetches = new AtomicInteger();
        AtomicInteger setterCalls = new AtomicInteger();
        AtomicBoolean upstreamCancelled = new AtomicBoolean();
        BatchPreload<User, Integer, Card> preload = BatchPreload.<User, Integer, Card>builder()
                .ownerKey(User::key)
                .fetcher(keys -> Mono.delay(Duration.ofSeconds(10))
                        .doOnSubscribe(subscription -> fetches.incrementAndGet())
                        .doOnCancel(cancelledFetches::incrementAndGet)
                        .thenMany(cardsFor(keys)))
                .valueKey(Card::userId)
                .setter((user, card) -> {
                    setterCalls.incrementAndGet();
                    user.setCard(card);
                })
                .batchSize(3)
                .build();

        // one owner per second: the first batch is complete at 3 s and fetched by 13 s; the second batch (owners
        // at 4, 5, 6 s) is being fetched until 16 s
        StepVerifier.withVirtualTime(() -> Flux.range(0, 100)
                        .delayElements(Duration.ofSeconds(1))
                        .map(i -> user(i, i))
                        .doOnCancel(() -> upstreamCancelled.set(true))
                        .transform(preload))
                .expectSubscription()
                .thenAwait(Duration.ofSeconds(13))
                .expectNextCount(3)
                .thenCancel()
                .verify();

        assertThat(fetches).hasValue(2);
        assertThat(cancelledFetches).hasValue(1);
        assertThat(setterCalls).as("the cancelled batch is never attached").hasValue(3);
        assertThat(upstreamCancelled).isTrue();
    }

    // ---------------------------------------------------------------- builder validation

    @Test
    void batchSizeAndConcurrencyMustBePositive() {
        BatchPreload.Builder<User, Integer, Card> builder = BatchPreload.builder();

        assertThatIllegalArgumentException().isThrownBy(() -> builder.batchSize(0))
                .withMessage("batchSize must be greater than 0, was 0");
        assertThatIllegalArgumentException().isThrownBy(() -> builder.batchSize(-1))
                .withMessageContaining("batchSize");
        assertThatIllegalArgumentException().isThrownBy(() -> builder.concurrency(0))
                .withMessage("concurrency must be greater than 0, was 0");
        assertThatIllegalArgumentException().isThrownBy(() -> builder.concurrency(-5))
                .withMessageContaining("concurrency");
        assertThatIllegalArgumentException().isThrownBy(() -> builder.maxBatchSize(0))
                .withMessage("maxBatchSize must be greater than 0, was 0");
    }

    @Test
    void buildRequiresOwnerKeyFetcherValueKeyAndSetter() {
        assertThatNullPointerException().isThrownBy(() -> BatchPreload.<User, Integer, Card>builder()
                .fetcher(new CardFetcher()).valueKey(Card::userId).setter(User::setCard).build())
                .withMessage("ownerKey must not be null");
        assertThatNullPointerException().isThrownBy(() -> BatchPreload.<User, Integer, Card>builder()
                .ownerKey(User::key).valueKey(Card::userId).setter(User::setCard).build())
                .withMessage("fetcher must not be null");
        assertThatNullPointerException().isThrownBy(() -> BatchPreload.<User, Integer, Card>builder()
                .ownerKey(User::key).fetcher(new CardFetcher()).setter(User::setCard).build())
                .withMessage("valueKey must not be null");
        assertThatNullPointerException().isThrownBy(() -> BatchPreload.<User, Integer, Card>builder()
                .ownerKey(User::key).fetcher(new CardFetcher()).valueKey(Card::userId).build())
                .withMessage("setter must not be null");
    }

    @Test
    void buildersRejectNullArgumentsImmediately() {
        BatchPreload.Builder<User, Integer, Card> builder = BatchPreload.builder();

        assertThatNullPointerException().isThrownBy(() -> builder.ownerKey(null))
                .withMessage("ownerKey must not be null");
        assertThatNullPointerException().isThrownBy(() -> builder.fetcher(null))
                .withMessage("fetcher must not be null");
        assertThatNullPointerException().isThrownBy(() -> builder.valueKey(null))
                .withMessage("valueKey must not be null");
        assertThatNullPointerException().isThrownBy(() -> builder.setter(null))
                .withMessage("setter must not be null");
        assertThatNullPointerException().isThrownBy(() -> builder.merge(null))
                .withMessage("merge must not be null");
        BatchPreload<User, Integer, Card> preload = cards(new CardFetcher()).build();
        assertThatNullPointerException().isThrownBy(() -> preload.apply(null))
                .withMessage("owners must not be null");
    }

    @Test
    void builderCanBeReusedWithoutAffectingBuiltPreloads() {
        CardFetcher fetcher = new CardFetcher();
        BatchPreload.Builder<User, Integer, Card> builder = cards(fetcher).batchSize(2);
        BatchPreload<User, Integer, Card> byTwo = builder.build();
        BatchPreload<User, Integer, Card> byThree = builder.batchSize(3).build();

        users(3).transform(byTwo).as(StepVerifier::create).expectNextCount(3).verifyComplete();
        users(3).transform(byThree).as(StepVerifier::create).expectNextCount(3).verifyComplete();

        assertThat(fetcher.calls).containsExactly(List.of(0, 1), List.of(2), List.of(0, 1, 2));
    }

    // ---------------------------------------------------------------- fixtures

    /**
     * An owner: {@code key} is what its card's {@code userId} refers to ({@code null}: no card possible).
     */
    static final class User {

        final int id;

        final @Nullable Integer key;

        @Nullable Card card;

        int setterCalls;

        User(int id, @Nullable Integer key) {
            this.id = id;
            this.key = key;
        }

        @Nullable Integer key() {
            return this.key;
        }

        void setCard(@Nullable Card card) {
            this.card = card;
            this.setterCalls++;
        }

        @Nullable String number() {
            return this.card == null ? null : this.card.number();
        }

        @Override
        public String toString() {
            return "User" + this.id;
        }
    }

    record Card(@Nullable Integer userId, String number) {
    }

    /**
     * Returns one card per key, numbered {@code card-<key>}, and records every key list it was called with.
     */
    static final class CardFetcher implements Function<List<Integer>, Publisher<Card>> {

        final List<List<Integer>> calls = new CopyOnWriteArrayList<>();

        @Override
        public Publisher<Card> apply(List<Integer> keys) {
            this.calls.add(keys);
            return cardsFor(keys);
        }
    }

    private static BatchPreload.Builder<User, Integer, Card> cards(
            Function<? super List<Integer>, ? extends Publisher<? extends Card>> fetcher) {
        return BatchPreload.<User, Integer, Card>builder()
                .ownerKey(User::key)
                .fetcher(fetcher)
                .valueKey(Card::userId)
                .setter(User::setCard);
    }

    private static Flux<Card> cardsFor(List<Integer> keys) {
        return Flux.fromIterable(keys).map(key -> new Card(key, "card-" + key));
    }

    private static User user(int id, @Nullable Integer key) {
        return new User(id, key);
    }

    /** Users {@code 0..count-1}, each keyed by its id. */
    /** A practically endless upstream; it fails rather than exhaust the heap if it is read without bound. */
    private static Flux<User> endlessOwners(AtomicInteger produced, List<Long> requests) {
        return Flux.<User, Integer>generate(() -> 0, (i, sink) -> {
            produced.incrementAndGet();
            if (i == 100_000) {
                sink.error(new IllegalStateException("upstream read without bound"));
            }
            else {
                sink.next(user(i, i));
            }
            return i + 1;
        }).doOnRequest(requests::add);
    }

    private static Flux<User> users(int count) {
        return Flux.range(0, count).map(i -> user(i, i));
    }

    private static String numberOf(User user) {
        return String.valueOf(user.number());
    }

    private static List<Integer> range(int from, int to) {
        return IntStream.range(from, to).boxed().collect(Collectors.toList());
    }

    private static boolean allCleared(List<? extends WeakReference<?>> first, List<? extends WeakReference<?>> second) {
        return first.stream().allMatch(reference -> reference.get() == null)
                && second.stream().allMatch(reference -> reference.get() == null);
    }
}
