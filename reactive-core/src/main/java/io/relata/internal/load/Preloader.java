package io.relata.internal.load;

import io.relata.Query;
import io.relata.internal.exec.Session;
import io.relata.internal.meta.EntityMeta;
import io.relata.internal.meta.Relationship;
import io.relata.internal.query.QuerySupport;
import io.relata.internal.sql.Fragment;
import io.relata.preload.BatchPreload;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BinaryOperator;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;
import reactor.core.Exceptions;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Wires relationships to the {@link BatchPreload} operator: one query per association per batch of owners, keys
 * de-duplicated (by the operator) and rendered by the dialect as one array bind ({@code = ANY(?)}) or as
 * {@code IN} chunks below its bind limit ({@link PreloadFetch}), nested levels loaded on the attached values of
 * each batch before the batch is emitted.
 *
 * <p>To-one and to-many associations share the operator and differ only in how values are attached (GORM's
 * {@code callbacks/preload.go} likewise): a to-one keeps one value per key, a to-many attaches the list of its key's
 * values (empty when none), and a batch may hold about {@code preloadMaxRows} fetched rows, so the batches of a
 * to-many shrink when owners have many targets and memory stays bounded whatever the fan-out.
 *
 * <p>Sibling associations are applied in name order, as GORM sorts preload names ({@code callbacks/preload.go}),
 * so the statement order is deterministic. Of several rows matching one key (a has-one with duplicates) the one
 * with the greatest primary key wins, whatever order the database returns them in: GORM keeps whichever row came
 * last, which is unspecified (go-gorm/gorm#5959).
 */
public final class Preloader {

    private Preloader() {
    }

    /**
     * Applies preloads to a stream of owners. Customizers run here, so call it at subscription time (inside a
     * {@code Flux.defer}): an exception they throw, or a customizer returning a foreign query, becomes the
     * stream's error.
     *
     * @param session the session (outside a transaction each preload query borrows its own connection)
     * @param owners the owners
     * @param specs the preload calls, in the order they were made
     * @param unscoped whether soft-deleted targets are loaded too
     * @param <T> the owner type
     * @return the owners, in order, with their associations set
     */
    public static <T> Flux<T> apply(Session session, Flux<T> owners, List<PreloadSpec> specs, boolean unscoped) {
        return apply(session, owners, specs, unscoped, Set.of());
    }

    /**
     * Applies preloads to a stream of owners whose query joined some associations already. A preload of a joined
     * association (without its own condition or customizer) is not queried again: its nested levels are loaded on
     * the joined values, as GORM does since go-gorm/gorm#6990 ({@code Joins("Manager").Preload("Manager.Company")}
     * takes two queries).
     *
     * @param session the session
     * @param owners the owners
     * @param specs the preload calls, in the order they were made
     * @param unscoped whether soft-deleted targets are loaded too
     * @param joined names of the owner's associations its query joined
     * @param <T> the owner type
     * @return the owners, in order, with their associations set
     */
    public static <T> Flux<T> apply(Session session, Flux<T> owners, List<PreloadSpec> specs, boolean unscoped,
            Set<String> joined) {
        // Each batch's query borrows its own pooled connection. Pinning one connection for all of a stream's
        // preloads saved the pool's acquire/release but serialised the queries: on PostgreSQL, 10,000 owners took
        // 29.3 ms pinned against 24.9 ms with two batches on two connections (benchmarks/README.md).
        Session preloads = session.forPreloads();
        return apply(preloads, owners, plan(preloads, tree(specs), unscoped, joined).values())
                .onErrorMap(Exceptions::isMultiple, Preloader::first);
    }

    /**
     * Two batches in flight can fail together (the same bad condition on two connections), and the operator then
     * signals Reactor's composite. The caller is promised the driver's own exception (DESIGN.md: driver errors pass
     * through), so the first one is signalled and the others are attached as suppressed.
     */
    private static Throwable first(Throwable multiple) {
        List<Throwable> errors = Exceptions.unwrapMultiple(multiple);
        Throwable first = errors.get(0);
        for (Throwable other : errors.subList(1, errors.size())) {
            if (other != first) {
                first.addSuppressed(other);
            }
        }
        return first;
    }

    private static <T> Flux<T> apply(Session session, Flux<T> owners, Collection<Level> levels) {
        Flux<T> out = owners;
        for (Level level : levels) {
            out = level.joined ? out.transform(owners1 -> nestedOnJoined(session, owners1, level))
                    : out.transform(operator(session, level));
        }
        return out;
    }

    /** A joined level: its values came with the owners; only its nested levels are loaded, batch by batch. */
    private static <T> Flux<T> nestedOnJoined(Session session, Flux<T> owners, Level level) {
        if (level.children.isEmpty()) {
            return owners;
        }
        return owners.buffer(session.preloadBatchSize())
                .concatMap(batch -> nested(session, batch, level).then(Mono.just(batch)), 0)
                .concatMapIterable(batch -> batch);
    }

    /**
     * Loads a level's nested levels on the values attached to a batch of owners, each distinct value once (owners
     * sharing a company, languages shared by several users).
     */
    private static Mono<Void> nested(Session session, List<?> owners, Level level) {
        return Mono.defer(() -> {
            Relationship r = level.relationship;
            Set<Object> seen = Collections.newSetFromMap(new IdentityHashMap<>());
            List<Object> values = new ArrayList<>();
            for (Object owner : owners) {
                for (Object value : r.targets(owner)) {
                    if (seen.add(value)) {
                        values.add(value);
                    }
                }
            }
            // count(), not then() alone: then() passes each value it ignores to the discard hook, a walk of the
            // subscriber chain per value (see BatchLoader.fetch).
            return values.isEmpty() ? Mono.empty()
                    : apply(session, Flux.fromIterable(values), level.children.values()).count().then();
        });
    }

    private static <T> BatchPreload<T, Object, Object> operator(Session session, Level level) {
        Relationship r = level.relationship;
        BatchPreload.Builder<T, Object, Object> builder = BatchPreload.<T, Object, Object>builder()
                .ownerKey(r::ownerKeyValue)
                .fetcher(keys -> session.observePreload(r.owner().type(), r.name(), keys.size(),
                        PreloadFetch.fetch(session, r, level.query, keys)))
                .batchSize(session.preloadBatchSize())
                .maxBatchSize(session.preloadMaxBatchSize())
                // One connection inside a transaction: one batch at a time keeps its statements in order.
                .concurrency(session.preloadConcurrency());
        if (r.manyToMany()) {
            // Each row carries the owner key it was joined by: a language shared by two users comes twice.
            builder.valueKey(value -> ((PreloadFetch.Keyed) value).key())
                    .listSetter((owner, rows) -> r.set(owner, PreloadFetch.values(rows)));
        }
        else if (r.toMany()) {
            builder.valueKey(r::targetKeyValue).listSetter(r::set);
        }
        if (r.toMany()) {
            // Rows, not owners, bound a to-many batch; a to-one fetches at most about one row per owner, so the
            // batch size bounds it already (and a large preloadBatchSize stays one statement).
            builder.maxValuesPerBatch(session.preloadMaxRows());
            // What earlier streams of this instance saw of the association's targets per owner, so a repeated query
            // sizes its first batch right instead of overflowing preloadMaxRows and fetching it again (on
            // PostgreSQL a cancelled fetch is also drained first, shared/DRIVERS.md).
            builder.sizingHint(session.preloadHint(r, BatchPreload.SizingHint::new));
        }
        else {
            builder.valueKey(r::targetKeyValue).setter(r::set).merge(level.greatestKey);
        }
        if (!level.children.isEmpty()) {
            // After the batch's fetch has completed, so inside a transaction its one connection is free for the
            // nested queries; before the batch is emitted, so every owner arrives fully loaded.
            builder.onBatch(batch -> nested(session, batch, level));
        }
        return builder.build();
    }

    /**
     * Turns the tree of preload calls into levels with their target queries built, customizers applied once.
     */
    private static Map<String, Level> plan(Session session, Map<String, Node> nodes, boolean unscoped,
            Set<String> joined) {
        List<Node> sorted = new ArrayList<>(nodes.values());
        sorted.sort(Comparator.comparing(n -> n.relationship.name()));
        Map<String, Level> levels = new LinkedHashMap<>();
        for (Node node : sorted) {
            boolean reuse = joined.contains(node.relationship.name()) && node.conditions.isEmpty()
                    && node.customizers.isEmpty();
            levels.put(node.relationship.name(), new Level(node.relationship, query(session, node, unscoped),
                    plan(session, node.children, unscoped, Set.of()), reuse));
        }
        return levels;
    }

    private static QuerySupport<Object> query(Session session, Node node, boolean unscoped) {
        Relationship r = node.relationship;
        @SuppressWarnings("unchecked")
        EntityMeta<Object> target = (EntityMeta<Object>) r.target();
        QuerySupport<Object> query = QuerySupport.of(session, target, unscoped);
        for (Fragment condition : node.conditions) {
            query = query.where(condition);
        }
        for (UnaryOperator<Query<Object>> customizer : node.customizers) {
            Query<Object> customized = customizer.apply(query);
            if (!(customized instanceof QuerySupport<Object> q) || q.meta() != target) {
                throw new IllegalArgumentException("A preload customizer of '" + r.name() + "' must return the query "
                        + "it was given, refined (such as q -> q.where(...)); it returned " + customized);
            }
            query = q;
        }
        return query;
    }

    private static Map<String, Node> tree(List<PreloadSpec> specs) {
        Map<String, Node> roots = new LinkedHashMap<>();
        for (PreloadSpec spec : specs) {
            Map<String, Node> level = roots;
            Node node = null;
            for (Relationship r : spec.path()) {
                node = level.computeIfAbsent(r.name(), name -> new Node(r));
                level = node.children;
            }
            if (node != null) {
                // GORM: conditions of "A.B" apply to B, the last level, only (TestNestedPreloadWithConds).
                if (spec.condition() != null) {
                    node.conditions.add(spec.condition());
                }
                if (spec.customizer() != null) {
                    node.customizers.add(spec.customizer());
                }
            }
        }
        return roots;
    }

    /** One association of the preload tree as the user asked for it. */
    private static final class Node {

        final Relationship relationship;

        final Map<String, Node> children = new LinkedHashMap<>();

        final List<Fragment> conditions = new ArrayList<>();

        final List<UnaryOperator<Query<Object>>> customizers = new ArrayList<>();

        Node(Relationship relationship) {
            this.relationship = relationship;
        }
    }

    /** One association ready to run: its target query (conditions and customizers applied) and nested levels. */
    private static final class Level {

        final Relationship relationship;

        final QuerySupport<Object> query;

        final Map<String, Level> children;

        final BinaryOperator<Object> greatestKey;

        final boolean joined;

        Level(Relationship relationship, QuerySupport<Object> query, Map<String, Level> children, boolean joined) {
            this.relationship = relationship;
            this.query = query;
            this.children = children;
            this.joined = joined;
            EntityMeta<?> target = relationship.target();
            this.greatestKey = (kept, next) -> compare(target.id().get(next), target.id().get(kept)) > 0 ? next : kept;
        }

        @SuppressWarnings({"unchecked", "rawtypes"})
        private static int compare(@Nullable Object a, @Nullable Object b) {
            if (a == null || b == null) {
                return a == null ? (b == null ? 0 : -1) : 1;
            }
            return ((Comparable) a).compareTo(b);
        }
    }
}
