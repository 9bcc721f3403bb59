package io.relata.internal.load;

import io.r2dbc.spi.Row;
import io.relata.dialect.Dialect;
import io.relata.dialect.KeySetCondition;
import io.relata.internal.exec.Session;
import io.relata.internal.meta.EntityMeta;
import io.relata.internal.meta.Relationship;
import io.relata.internal.query.QuerySupport;
import io.relata.internal.sql.Bind;
import io.relata.internal.sql.Fragment;
import io.relata.internal.sql.Sql;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;

/**
 * Fetches the targets of one batch's distinct keys: one statement per key-set condition the dialect renders (one on
 * PostgreSQL, one per {@code IN} chunk elsewhere), streamed to the operator, which matches them to their owners.
 */
final class PreloadFetch {

    /**
     * Binds kept free for the rest of a preload statement (the polymorphic type, user conditions) on top of what
     * the user's conditions are known to need.
     */
    private static final int RESERVED_BINDS = 8;

    private PreloadFetch() {
    }

    /**
     * A many-to-many target with the owner key of the join row that brought it.
     *
     * @param key the owner key, in the relationship's key type
     * @param value the target
     */
    record Keyed(@Nullable Object key, Object value) {
    }

    /** The targets of keyed rows, in order. */
    static List<Object> values(List<Object> keyed) {
        List<Object> out = new ArrayList<>(keyed.size());
        for (Object k : keyed) {
            out.add(((Keyed) k).value());
        }
        return out;
    }

    static Flux<Object> fetch(Session session, Relationship r, QuerySupport<Object> query, List<Object> keys) {
        Dialect dialect = session.dialect();
        List<Object> driverKeys = new ArrayList<>(keys.size());
        for (Object key : keys) {
            driverKeys.add(dialect.toDatabase(key));
        }
        int reserved = query.bindCount() + RESERVED_BINDS;
        if (!PreloadSql.needed(r, query)) {
            return toOne(session, r, query, driverKeys, reserved);
        }
        List<KeySetCondition> conditions = dialect.keySet(PreloadSql.keyColumn(dialect, r), driverKeys, r.keyType(),
                reserved);
        EntityMeta<?> target = r.target();
        Class<?>[] readTypes = target.readTypes(dialect);
        if (!r.manyToMany()) {
            return Flux.fromIterable(conditions).concatMap(c -> session.select(PreloadSql.render(dialect, query, r, c),
                    (row, md) -> JoinPlan.readEntity(target, dialect, row, 0, readTypes)));
        }
        return Flux.defer(() -> {
            // One instance per target within the batch: a language spoken by 500 users is read 500 times but kept
            // (and preloaded further) once.
            Map<Object, Object> seen = new HashMap<>();
            int keyIndex = PreloadSql.ownerKeyIndex(r);
            return Flux.fromIterable(conditions).concatMap(c -> session.select(PreloadSql.render(dialect, query, r, c),
                    (row, md) -> keyed(dialect, r, row, keyIndex, readTypes, seen)));
        });
    }

    private static Keyed keyed(Dialect dialect, Relationship r, Row row, int keyIndex, Class<?>[] readTypes,
            Map<Object, Object> seen) {
        EntityMeta<?> target = r.target();
        Object entity = JoinPlan.readEntity(target, dialect, row, 0, readTypes);
        Object id = target.id().get(entity);
        if (id != null) {
            Object first = seen.putIfAbsent(id, entity);
            if (first != null) {
                entity = first;
            }
        }
        Object key = dialect.fromDatabase(row.get(keyIndex), r.keyType());
        return new Keyed(key, entity);
    }

    /**
     * A has-one or belongs-to without a per-owner limit: the target query itself, with the key set (and the
     * polymorphic type) put first, as GORM puts them.
     */
    private static Flux<Object> toOne(Session session, Relationship r, QuerySupport<Object> query,
            List<Object> driverKeys, int reserved) {
        Dialect dialect = session.dialect();
        EntityMeta<?> target = r.target();
        String column = dialect.quote(target.table()) + "." + dialect.quote(r.targetKey().column());
        List<KeySetCondition> conditions = dialect.keySet(column, driverKeys, r.keyType(), reserved);
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
            statements.add(query.whereFirst(leading));
        }
        return Flux.fromIterable(statements).concatMap(QuerySupport::flux);
    }

    /** For tests of the rendering: the statements one batch would send. */
    static List<Sql> statements(Dialect dialect, Relationship r, QuerySupport<Object> query, List<Object> keys) {
        List<Sql> out = new ArrayList<>();
        for (KeySetCondition c : dialect.keySet(PreloadSql.keyColumn(dialect, r), keys, r.keyType(),
                query.bindCount() + RESERVED_BINDS)) {
            out.add(PreloadSql.render(dialect, query, r, c));
        }
        return out;
    }
}
