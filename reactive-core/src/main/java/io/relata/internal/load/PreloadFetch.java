package io.relata.internal.load;

import io.r2dbc.spi.Row;
import io.r2dbc.spi.RowMetadata;
import io.relata.dialect.Dialect;
import io.relata.dialect.KeySetCondition;
import io.relata.dialect.SqlType;
import io.relata.internal.exec.EntityReader;
import io.relata.internal.exec.Session;
import io.relata.internal.meta.EntityMeta;
import io.relata.internal.meta.Property;
import io.relata.internal.meta.Relationship;
import io.relata.internal.query.QuerySupport;
import io.relata.internal.schema.ForeignKeyIndex;
import io.relata.internal.schema.TableInfo;
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
 * PostgreSQL, one per {@code IN} chunk elsewhere), streamed to the operator, which matches them to their owners. The
 * key set is typed by the live key column (a varchar foreign key gets text keys), so the tables the statement reads
 * are read from the catalog first; known tables cost nothing.
 */
final class PreloadFetch {

    /**
     * Binds kept free for the rest of a preload statement (the polymorphic type, user conditions) on top of what
     * the user's conditions are known to need.
     */
    private static final int RESERVED_BINDS = 8;

    // Named after Preloader, whose warnings these are to a reader of the logs (and to ExistingSchemaTck).
    private static final System.Logger LOG = System.getLogger(Preloader.class.getName());

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
        List<String> tables = r.manyToMany() ? List.of(r.target().table(), r.joinTable().table())
                : List.of(r.target().table());
        return session.loadCatalog(tables).thenMany(Flux.defer(() -> fetchTyped(session, r, query, keys)));
    }

    private static Flux<Object> fetchTyped(Session session, Relationship r, QuerySupport<Object> query,
            List<Object> keys) {
        Dialect dialect = session.dialect();
        // The column the key set applies to: the target's key, or for a many-to-many the join table's owner column,
        // made (and typed) after the owner's key it copies.
        Property keyProperty = r.manyToMany() ? r.foreignKey() : r.targetKey();
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
        Class<?> keyType = keyClass != null ? keyClass : dialect.nullBindType(keyProperty.columnType());
        int reserved = query.bindCount() + RESERVED_BINDS;
        if (!PreloadSql.needed(r, query)) {
            return toOne(session, r, query, driverKeys, keyType, reserved);
        }
        List<KeySetCondition> conditions = dialect.keySet(PreloadSql.keyColumn(dialect, r), driverKeys, keyType,
                reserved);
        EntityMeta<?> target = r.target();
        if (!r.manyToMany()) {
            EntityReader<?> reader = new EntityReader<>(target, 0, session.binder().conversions());
            return Flux.fromIterable(conditions).concatMap(c -> session.select(PreloadSql.render(dialect, query, r, c),
                    reader::read));
        }
        return Flux.defer(() -> {
            EntityReader<?> reader = new EntityReader<>(target, 0, session.binder().conversions());
            // One instance per target within the batch: a language spoken by 500 users is read 500 times but kept
            // (and preloaded further) once.
            Map<Object, Object> seen = new HashMap<>();
            int keyIndex = PreloadSql.ownerKeyIndex(r);
            return Flux.fromIterable(conditions).concatMap(c -> session.select(PreloadSql.render(dialect, query, r, c),
                    (row, md) -> keyed(session, r, reader, row, md, keyIndex, seen)));
        });
    }

    private static Keyed keyed(Session session, Relationship r, EntityReader<?> reader, Row row, RowMetadata md,
            int keyIndex, Map<Object, Object> seen) {
        Object entity = reader.read(row, md);
        Object id = r.target().id().get(entity);
        if (id != null) {
            Object first = seen.putIfAbsent(id, entity);
            if (first != null) {
                entity = first;
            }
        }
        Object raw = row.get(keyIndex);
        return new Keyed(raw == null ? null : session.binder().conversions().convert(raw, r.keyType()), entity);
    }

    /**
     * A has-one or belongs-to without a per-owner limit: the target query itself, with the key set (and the
     * polymorphic type) put first, as GORM puts them.
     */
    private static Flux<Object> toOne(Session session, Relationship r, QuerySupport<Object> query,
            List<Object> driverKeys, Class<?> keyType, int reserved) {
        Dialect dialect = session.dialect();
        EntityMeta<?> target = r.target();
        String column = dialect.quote(target.table()) + "." + dialect.quote(r.targetKey().column());
        List<KeySetCondition> conditions = dialect.keySet(column, driverKeys, keyType, reserved);
        List<QuerySupport<Object>> statements = new ArrayList<>(conditions.size());
        for (KeySetCondition c : conditions) {
            List<Fragment> leading = new ArrayList<>(2);
            leading.add(new Fragment(c.sql(), driverBinds(c)));
            if (r.typeColumn() != null) {
                // A dog never gets the cat's toy with the same id: the type column routes polymorphic rows.
                leading.add(new Fragment(dialect.quote(target.table()) + "." + dialect.quote(r.typeColumn().column())
                        + " = ?", List.of(r.typeValue())));
            }
            statements.add(query.whereFirst(leading));
        }
        return Flux.fromIterable(statements).concatMap(QuerySupport::execute);
    }

    /** The key set's values are already converted by the dialect (a typed array on PostgreSQL): bound as they are. */
    static List<@Nullable Object> driverBinds(KeySetCondition keys) {
        List<@Nullable Object> out = new ArrayList<>(keys.binds().size());
        for (Object b : keys.binds()) {
            out.add(new Bind(b, b.getClass()));
        }
        return out;
    }

    /**
     * A preload searches the target's key column once per batch; without an index starting with that column each
     * search scans the whole table (issue 8: 3.3-7.3 s per batch of 1,000 keys over 900,000 rows on PostgreSQL 15,
     * 5 ms with the index). {@code migrate} creates such indexes; a database made by other tools may lack them, so
     * the first preload on such a column says so, once per table and column per instance, with the statement that
     * fixes it. A many-to-many searches its join table by the owner column, which leads its primary key.
     */
    private static void warnWithoutIndex(Session session, Relationship r) {
        if (r.manyToMany()) {
            return;
        }
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

    /** For tests of the rendering: the statements one batch would send, keys already converted for the driver. */
    static List<Sql> statements(Dialect dialect, Relationship r, QuerySupport<Object> query, List<Object> keys,
            Class<?> keyType) {
        List<Sql> out = new ArrayList<>();
        for (KeySetCondition c : dialect.keySet(PreloadSql.keyColumn(dialect, r), keys, keyType,
                query.bindCount() + RESERVED_BINDS)) {
            out.add(PreloadSql.render(dialect, query, r, c));
        }
        return out;
    }
}
