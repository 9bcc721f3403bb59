package io.relata.internal.exec;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.LongSupplier;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.util.context.ContextView;

/**
 * Where reads outside a transaction go when read replicas are configured: the read/write split of GORM's
 * {@code dbresolver}, decided in one place for one kind of work (a read, as {@link Session#read} declares it) rather
 * than per call site.
 *
 * <p>A read is routed as one unit: its first statement and every preload statement it causes run on the same
 * replica, so a preload sees at least what its owners' statement saw (replicas lag by different amounts: an owner
 * read on one replica could otherwise miss its card on another). Reads take turns over the replicas (round robin).
 *
 * <p>When a replica fails before the read emitted anything (it refused the connection, could not be connected to in
 * time, died or shut down mid-statement: {@link ServerTrouble}), the read is run again on the next replica, and
 * finally on the primary; the failed replica is left out of the turns for a while. A read that already emitted an
 * element is never re-run (its subscriber would see those elements twice): it signals the error. A statement error
 * (bad SQL, a conversion) is signalled at once, as it would fail anywhere.
 */
public final class Replicas {

    /**
     * The Reactor Context key that sends reads to the primary when its value is {@code Boolean.TRUE}: a WebFlux
     * request that has just written can read its own writes (published as {@code Relata.READ_FROM_PRIMARY_KEY}).
     */
    public static final String PRIMARY_KEY = "io.relata.readFromPrimary";

    private static final System.Logger LOG = System.getLogger(Replicas.class.getName());

    private final List<Replica> replicas;

    private final long retryAfterNanos;

    private final LongSupplier clock;

    private final AtomicInteger turn = new AtomicInteger();

    /**
     * @param replicas one session per replica, each pooled on that replica's own pools
     * @param names how each replica is named in logs and errors, in the same order
     * @param retryAfter how long a replica that failed is left out of the turns
     */
    public Replicas(List<Session> replicas, List<String> names, Duration retryAfter) {
        this(replicas, names, retryAfter, System::nanoTime);
    }

    Replicas(List<Session> replicas, List<String> names, Duration retryAfter, LongSupplier clock) {
        if (replicas.isEmpty() || replicas.size() != names.size()) {
            throw new IllegalArgumentException("one name per replica, at least one replica: " + names);
        }
        List<Replica> list = new ArrayList<>(replicas.size());
        for (int i = 0; i < replicas.size(); i++) {
            list.add(new Replica(replicas.get(i), names.get(i)));
        }
        this.replicas = List.copyOf(list);
        this.retryAfterNanos = retryAfter.toNanos();
        this.clock = Objects.requireNonNull(clock, "clock must not be null");
    }

    /** @return connections borrowed from the replicas' pools and not yet given back */
    int borrowedConnections() {
        int sum = 0;
        for (Replica r : this.replicas) {
            sum += r.session.borrowedConnections();
        }
        return sum;
    }

    /** @return whether the context asks for the primary */
    static boolean primaryRequested(ContextView context) {
        return Boolean.TRUE.equals(context.getOrDefault(PRIMARY_KEY, Boolean.FALSE));
    }

    /**
     * Runs a read on a replica, moving to the next one and then to the primary when a server fails before the read
     * emitted anything.
     *
     * @param primary the session of the primary, the last resort
     * @param work the read, given the session to run on
     * @param <R> the element type
     * @return the read's elements
     */
    <R> Flux<R> read(Session primary, Function<Session, ? extends Publisher<R>> work) {
        return Flux.defer(() -> attempt(rotation(), 0, primary, work, new ArrayList<>()));
    }

    /** The replicas not left out, starting with the one whose turn it is. */
    private List<Replica> rotation() {
        long now = this.clock.getAsLong();
        int n = this.replicas.size();
        int start = Math.floorMod(this.turn.getAndIncrement(), n);
        List<Replica> order = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            Replica r = this.replicas.get((start + i) % n);
            if (r.available(now)) {
                order.add(r);
            }
        }
        return order;
    }

    private <R> Flux<R> attempt(List<Replica> order, int index, Session primary,
            Function<Session, ? extends Publisher<R>> work, List<Throwable> failures) {
        if (index == order.size()) {
            Flux<R> onPrimary = Flux.from(work.apply(primary));
            if (failures.isEmpty()) {
                return onPrimary;
            }
            // The primary's error is the answer; what the replicas said is kept with it for whoever investigates.
            return onPrimary.doOnError(error -> failures.forEach(f -> {
                if (f != error) {
                    error.addSuppressed(f);
                }
            }));
        }
        Replica replica = order.get(index);
        AtomicBoolean emitted = new AtomicBoolean();
        return Flux.from(work.apply(replica.session))
                .doOnNext(element -> emitted.set(true))
                .onErrorResume(error -> !emitted.get() && ServerTrouble.test(error), error -> {
                    replica.leaveOut(this.clock.getAsLong(), this.retryAfterNanos, error);
                    failures.add(error);
                    return attempt(order, index + 1, primary, work, failures);
                });
    }

    /** One replica and until when it is left out of the turns. */
    private static final class Replica {

        final Session session;

        final String name;

        private volatile boolean out;

        private volatile long outUntil;

        Replica(Session session, String name) {
            this.session = session;
            this.name = name;
        }

        boolean available(long now) {
            // nanoTime values are compared by difference: they may be negative and may wrap.
            return !this.out || now - this.outUntil >= 0;
        }

        void leaveOut(long now, long forNanos, Throwable error) {
            boolean wasIn = available(now);
            this.outUntil = now + forNanos;
            this.out = true;
            if (wasIn) {
                LOG.log(System.Logger.Level.WARNING, "Read {0} failed; reads skip it for a while: {1}",
                        this.name, String.valueOf(error));
            }
        }
    }
}
