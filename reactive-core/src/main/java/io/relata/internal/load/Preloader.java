package io.relata.internal.load;

import io.relata.Query;
import io.relata.dialect.Dialect;
import io.relata.dialect.KeySetCondition;
import io.relata.dialect.SqlType;
import io.relata.internal.exec.Session;
import io.relata.internal.meta.EntityMeta;
import io.relata.internal.meta.Property;
import io.relata.internal.meta.Relationship;
import io.relata.internal.query.QuerySupport;
import io.relata.internal.schema.ForeignKeyIndex;
import io.relata.internal.schema.TableInfo;
import io.relata.internal.sql.Bind;
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
 * {@code IN} chunks below its bind limit, nested levels loaded on the fetched values before they are attached.
 *
 * <p>Sibling associations are applied in name order, as GORM sorts preload names ({@code callbacks/preload.go}),
 * so the statement order is deterministic. Of several rows matching one key (a has-one with duplicates) the one
 * with the greatest primary key wins, whatever order the database returns them in: GORM keeps whichever row came
 * last, which is unspecified (go-gorm/gorm#5959).
 */
public final class Preloader {

    /**
     * Binds kept free for the rest of a preload statement (the polymorphic type, user conditions) on top of what
     * the user's conditions are known to need.
     */
    private static final int RESERVED_BINDS = 8;

    private static final System.Logger LOG = System.getLogger(Preloader.class.getName());

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
        Relationship r = level.relationship;
        return owners.buffer(session.preloadBatchSize()).concatMap(batch -> {
            Set<Object> seen = Collections.newSetFromMap(new IdentityHashMap<>());
            List<Object> values = new ArrayList<>();
            for (T owner : batch) {
                Object value = r.get(owner);
                if (value != null && seen.add(value)) {
                    values.add(value);
                }
            }
            return apply(session, Flux.fromIterable(values), level.children.values()).then(Mono.just(batch));
        }, 0).concatMapIterable(batch -> batch);
    }

    private static <T> BatchPreload<T, Object, Object> operator(Session session, Level level) {
        Relationship r = level.relationship;
        return BatchPreload.<T, Object, Object>builder()
                .ownerKey(r::ownerKeyValue)
                .valueKey(r::targetKeyValue)
                .setter(r::set)
                .merge(level.greatestKey)
                .fetcher(keys -> fetch(session, level, keys))
                .batchSize(session.preloadBatchSize())
                // One connection inside a transaction: one batch at a time keeps its statements in order.
                .concurrency(session.preloadConcurrency())
                .build();
    }

    /**
     * Fetches the targets of one batch's distinct keys: one statement per key-set condition the dialect renders
     * (one on PostgreSQL, one per {@code IN} chunk elsewhere), the greatest primary key kept per key, then the
     * nested levels preloaded on those winners before any of them is attached.
     */
    private static Flux<Object> fetch(Session session, Level level, List<Object> keys) {
        EntityMeta<?> target = level.relationship.target();
        // The key set is typed by the live key column (a varchar foreign key gets text keys), so the target's table
        // is read from the catalog first; known tables cost nothing.
        return session.loadCatalog(List.of(target.table())).thenMany(Flux.defer(() -> fetchTyped(session, level, keys)));
    }

    private static Flux<Object> fetchTyped(Session session, Level level, List<Object> keys) {
        Relationship r = level.relationship;
        Dialect dialect = session.dialect();
        EntityMeta<?> target = r.target();
        Property keyProperty = r.targetKey();
        SqlType keyColumn = session.catalog().columnType(keyProperty);
        warnWithoutIndex(session, r);
        List<Object> driverKeys = new ArrayList<>(keys.size());
        for (Object k : keys) {
            try {
                driverKeys.add(dialect.toDatabase(k, keyColumn, session.binder().zone()));
            }
            catch (IllegalArgumentException ex) {
                // No row can hold a key its column cannot store (an id above an int4 foreign key's range): skipped.
            }
        }
        Class<?> keyClass = dialect.bindClass(keyColumn);
        String column = dialect.quote(target.table()) + "." + dialect.quote(keyProperty.column());
        List<KeySetCondition> conditions = dialect.keySet(column, driverKeys,
                keyClass != null ? keyClass : dialect.nullBindType(keyProperty.columnType()),
                level.query.bindCount() + RESERVED_BINDS);
        List<QuerySupport<Object>> statements = new ArrayList<>(conditions.size());
        for (KeySetCondition c : conditions) {
            List<Object> binds = new ArrayList<>(c.binds().size());
            for (Object b : c.binds()) {
                // Already converted by the dialect (a typed array on PostgreSQL): bound as it is.
                binds.add(new Bind(b, b.getClass()));
            }
            List<Fragment> leading = new ArrayList<>(2);
            leading.add(new Fragment(c.sql(), binds));
            if (r.typeColumn() != null) {
                // A dog never gets the cat's toy with the same id: the type column routes polymorphic rows.
                leading.add(new Fragment(dialect.quote(target.table()) + "." + dialect.quote(r.typeColumn().column())
                        + " = ?", List.of(r.typeValue())));
            }
            statements.add(level.query.whereFirst(leading));
        }
        // Observed as one operation with its nested levels, so their batches show as its children.
        return session.observePreload(r.owner().type(), r.name(), keys.size(), Flux.fromIterable(statements)
                .concatMap(QuerySupport::execute)
                // Collected first: the winners are known only once every row is in, and inside a transaction the
                // connection must be free before the nested levels query it.
                .collect(() -> new LinkedHashMap<Object, Object>(), (map, value) -> {
                    Object key = r.targetKeyValue(value);
                    if (key != null) {
                        map.merge(key, value, level.greatestKey);
                    }
                })
                .flatMapMany(winners -> level.children.isEmpty()
                        ? Flux.fromIterable(winners.values())
                        : apply(session, Flux.fromIterable(winners.values()), level.children.values())));
    }

    /**
     * A preload searches the target's key column once per batch; without an index starting with that column each
     * search scans the whole table (issue 8: 3.3-7.3 s per batch of 1,000 keys over 900,000 rows on PostgreSQL 15,
     * 5 ms with the index). {@code migrate} creates such indexes; a database made by other tools may lack them, so
     * the first preload on such a column says so, once per table and column per instance, with the statement that
     * fixes it.
     */
    private static void warnWithoutIndex(Session session, Relationship r) {
        EntityMeta<?> target = r.target();
        Property key = r.targetKey();
        TableInfo table = session.catalog().table(target.table());
        if (table == null || !key.equals(r.foreignKey()) || ForeignKeyIndex.exists(table, session.dialect(), r)
                || !session.catalog().firstWarning("index:" + target.table() + "." + key.column())) {
            return;
        }
        LOG.log(System.Logger.Level.WARNING, "Preloading {0} searches {1}.{2}, which no index starts with: every batch "
                + "scans the table. Create one: {3}", target.type().getSimpleName(), target.table(), key.column(),
                ForeignKeyIndex.createStatement(session.dialect(), r));
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
