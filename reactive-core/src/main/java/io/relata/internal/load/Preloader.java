package io.relata.internal.load;

import io.relata.Query;
import io.relata.dialect.Dialect;
import io.relata.dialect.KeySetCondition;
import io.relata.internal.exec.Session;
import io.relata.internal.meta.EntityMeta;
import io.relata.internal.meta.Relationship;
import io.relata.internal.query.QuerySupport;
import io.relata.internal.sql.Bind;
import io.relata.internal.sql.Fragment;
import io.relata.preload.BatchPreload;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;

/**
 * Wires relationships to the {@link BatchPreload} operator: one query per association per batch of owners, keys
 * de-duplicated, rendered by the dialect as one array bind ({@code = ANY(?)}) or {@code IN} chunks, nested levels
 * loaded on the fetched values before they are attached.
 *
 * <p>Sibling associations are applied in name order, as GORM sorts preload names, so the statement order is
 * deterministic. Each fetch orders its rows by the target's primary key and the operator keeps the last value per
 * key, so of several matching has-one rows the one with the greatest key wins (GORM leaves it to the database,
 * go-gorm/gorm#5959).
 */
public final class Preloader {

    /**
     * Batches in flight outside a transaction: while one batch's preload query runs, the next batch of owners
     * streams in. More showed no gain on 2 cores (see benchmarks/README).
     */
    static final int CONCURRENCY = 2;

    private Preloader() {
    }

    /**
     * Applies preloads to a stream of owners.
     *
     * @param session the session (preload queries borrow their own connection outside a transaction)
     * @param owners the owners
     * @param specs the preload calls
     * @param unscoped whether soft-deleted targets are loaded too
     * @param <T> the owner type
     * @return the owners, in order, with their associations set
     */
    public static <T> Flux<T> apply(Session session, Flux<T> owners, List<PreloadSpec> specs, boolean unscoped) {
        return apply(session, owners, tree(specs), unscoped);
    }

    private static <T> Flux<T> apply(Session session, Flux<T> owners, Map<String, Node> nodes, boolean unscoped) {
        Flux<T> out = owners;
        List<Node> sorted = new ArrayList<>(nodes.values());
        sorted.sort(Comparator.comparing(n -> n.relationship.name()));
        for (Node node : sorted) {
            out = out.transform(operator(session, node, unscoped));
        }
        return out;
    }

    private static <T> BatchPreload<T, Object, Object> operator(Session session, Node node, boolean unscoped) {
        Relationship r = node.relationship;
        return BatchPreload.<T, Object, Object>builder()
                .ownerKey(r::ownerKeyValue)
                .valueKey(r::targetKeyValue)
                .setter(r::set)
                .fetcher(keys -> fetch(session, node, keys, unscoped))
                .batchSize(session.preloadBatchSize())
                // One connection inside a transaction: one batch at a time keeps its statements in order.
                .concurrency(session.inTransaction() ? 1 : CONCURRENCY)
                .build();
    }

    private static Flux<Object> fetch(Session session, Node node, List<Object> keys, boolean unscoped) {
        Relationship r = node.relationship;
        @SuppressWarnings("unchecked")
        EntityMeta<Object> target = (EntityMeta<Object>) r.target();
        Dialect dialect = session.dialect();
        QuerySupport<Object> query = QuerySupport.of(session, target, unscoped);
        if (node.condition != null) {
            query = query.where(node.condition);
        }
        if (node.customizer != null) {
            Query<Object> customized = node.customizer.apply(query);
            if (!(customized instanceof QuerySupport<Object> q) || q.meta() != target) {
                throw new IllegalArgumentException("A preload customizer of '" + r.name()
                        + "' must return the query it was given, refined (such as q -> q.where(...))");
            }
            query = q;
        }
        List<Object> driverKeys = new ArrayList<>(keys.size());
        for (Object key : keys) {
            driverKeys.add(dialect.toDatabase(key));
        }
        String column = dialect.quote(target.table()) + "." + dialect.quote(r.targetKey().column());
        // Reserve room for the binds the rest of the statement carries (conditions, polymorphic type).
        List<KeySetCondition> conditions = dialect.keySet(column, driverKeys, r.keyType(), 64);
        List<QuerySupport<Object>> statements = new ArrayList<>(conditions.size());
        for (KeySetCondition c : conditions) {
            List<Object> binds = new ArrayList<>(c.binds().size());
            for (Object b : c.binds()) {
                binds.add(new Bind(b, b.getClass()));
            }
            QuerySupport<Object> q = query.where(new Fragment(c.sql(), binds));
            if (r.polymorphic()) {
                q = q.where(new Fragment(dialect.quote(target.table()) + "." + dialect.quote(r.typeColumn().column())
                        + " = ?", List.of(r.typeValue())));
            }
            statements.add(q.orderBy(dialect.quote(target.table()) + "." + dialect.quote(target.id().column())));
        }
        Flux<Object> rows = Flux.fromIterable(statements).concatMap(QuerySupport::flux);
        if (node.children.isEmpty()) {
            return rows;
        }
        // Collect the batch first: inside a transaction the connection must be free before the nested queries run.
        return rows.collectList().flatMapMany(values -> apply(session, Flux.fromIterable(values), node.children,
                unscoped));
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
                if (spec.condition() != null) {
                    node.condition = spec.condition();
                }
                if (spec.customizer() != null) {
                    node.customizer = spec.customizer();
                }
            }
        }
        return roots;
    }

    private static final class Node {

        final Relationship relationship;

        final Map<String, Node> children = new LinkedHashMap<>();

        @Nullable Fragment condition;

        @Nullable UnaryOperator<Query<Object>> customizer;

        Node(Relationship relationship) {
            this.relationship = relationship;
        }
    }
}
