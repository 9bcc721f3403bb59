package io.relata.internal.save;

import io.relata.internal.exec.Session;
import io.relata.internal.meta.EntityMeta;
import io.relata.internal.meta.Property;
import io.relata.internal.schema.ColumnInfo;
import io.relata.internal.sql.Sql;
import io.relata.internal.sql.Statements;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A cascade's inserts of new entities, a level at a time, with generated keys written back in row order: one array
 * per column where the dialect binds them ({@code INSERT ... SELECT ... FROM unnest(...)} on PostgreSQL, issue 12),
 * else rows listed in multi-row {@code VALUES}.
 */
final class Inserts {

    /**
     * Rows per {@code INSERT} that binds one array per column: no bind limit applies, but 10,000-row statements
     * (with {@code saveAll} buffering as many) were no faster than 1,000 on PostgreSQL (SaveQuick, 10,000 users:
     * 0.77 against 0.71 of the hand-written time), and smaller ones keep memory and a failed chunk small.
     */
    static final int ARRAY_INSERT_BATCH = 1000;

    private final Session session;

    Inserts(Session session) {
        this.session = session;
    }

    /**
     * Inserts new entities, writing generated keys back in row order: two or more where the dialect binds each
     * column's values as one array ({@link io.relata.dialect.Dialect#arrayInsertType}), in statements of at most
     * {@link #ARRAY_INSERT_BATCH} rows whose text is the same for any number of rows; else in multi-row
     * {@code VALUES} statements of at most {@link Cascade#INSERT_BATCH} rows and the dialect's bind limit.
     *
     * @param meta the entity type
     * @param entities new entities
     * @return completes when inserted
     */
    Mono<Void> insert(EntityMeta<?> meta, List<Object> entities) {
        if (entities.isEmpty()) {
            return Mono.empty();
        }
        boolean generated = meta.generatedId() && meta.isNew(entities.get(0));
        List<Property> columns = new ArrayList<>(meta.properties());
        if (generated) {
            columns.remove(meta.id());
        }
        // One row gains nothing from arrays: a single save keeps its plain VALUES (and its borrowed connection).
        if (entities.size() == 1 || columns.isEmpty()) {
            return insertRows(meta, columns, entities, generated);
        }
        // The array types follow the columns' real types, and which columns may be left out depends on their
        // defaults: the table's catalog is read first (once per instance).
        return this.session.loadCatalog(List.of(meta.table())).then(Mono.defer(() -> {
            List<String> types = this.session.dialect().supportsArrayInsert() ? arrayTypes(columns) : null;
            return types == null ? insertRows(meta, columns, entities, generated)
                    : insertArrays(meta, columns, types, entities, generated);
        }));
    }

    /**
     * The columns a batch of rows lists: all of them, less each column that is {@code NULL} in every row of the batch
     * and that an insert leaving it out also stores as {@code NULL} (nullable, no default, identity or generated
     * expression in the live catalog). The rows stored are the same; the statement binds fewer values (GORM's
     * {@code deleted_at} of new rows: 10,000 users with cards on H2, {@code SaveQuick}, 1.13-1.15 of hand-written
     * multi-row inserts with it, 1.06-1.08 without). A column of a table not read from the catalog is always listed,
     * and so are all of them when every one would be left out.
     *
     * @param columns the columns of the entity's insert, in order
     * @param chunk the rows of one statement
     * @return the positions in {@code columns} of the columns to list
     */
    private int[] listed(List<Property> columns, List<Object> chunk) {
        int[] listed = new int[columns.size()];
        int count = 0;
        for (int i = 0; i < columns.size(); i++) {
            if (!omittable(columns.get(i), chunk)) {
                listed[count++] = i;
            }
        }
        if (count == 0) {
            for (int i = 0; i < columns.size(); i++) {
                listed[i] = i;
            }
            return listed;
        }
        return Arrays.copyOf(listed, count);
    }

    private boolean omittable(Property property, List<Object> chunk) {
        ColumnInfo column = this.session.catalog().column(property);
        if (column == null || !column.nullable() || column.hasDefault() || property.primitive()) {
            return false;
        }
        for (Object row : chunk) {
            if (property.get(row) != null) {
                return false;
            }
        }
        return true;
    }

    private static <T> List<T> pick(List<T> values, int[] positions) {
        if (positions.length == values.size()) {
            return values;
        }
        List<T> picked = new ArrayList<>(positions.length);
        for (int p : positions) {
            picked.add(values.get(p));
        }
        return picked;
    }

    /** The array element type of each column, or {@code null} when one of them cannot be bound as an array. */
    private @Nullable List<String> arrayTypes(List<Property> columns) {
        List<String> types = new ArrayList<>(columns.size());
        for (Property column : columns) {
            Optional<String> type = this.session.dialect().arrayInsertType(this.session.catalog().columnType(column));
            if (type.isEmpty()) {
                return null;
            }
            types.add(type.get());
        }
        return types;
    }

    private Mono<Void> insertArrays(EntityMeta<?> meta, List<Property> columns, List<String> types,
            List<Object> entities, boolean generated) {
        return Flux.fromIterable(chunks(entities, ARRAY_INSERT_BATCH)).concatMap(chunk -> {
            int[] listed = listed(columns, chunk);
            return execute(meta, Statements.insertArrays(this.session.dialect(), meta, pick(columns, listed),
                    pick(types, listed), chunk), chunk, generated);
        }).then();
    }

    private Mono<Void> insertRows(EntityMeta<?> meta, List<Property> columns, List<Object> entities,
            boolean generated) {
        int perStatement = Math.max(1, Math.min(Cascade.INSERT_BATCH,
                this.session.dialect().maxBindParameters() / Math.max(1, columns.size())));
        // a single save lists every column, whether or not the catalog was read
        boolean batch = entities.size() > 1;
        return Flux.fromIterable(chunks(entities, perStatement)).concatMap(chunk -> execute(meta,
                Statements.insert(this.session.dialect(), meta, batch ? pick(columns, listed(columns, chunk)) : columns,
                        chunk), chunk, generated)).then();
    }

    private static List<List<Object>> chunks(List<Object> entities, int perStatement) {
        List<List<Object>> chunks = new ArrayList<>();
        for (int i = 0; i < entities.size(); i += perStatement) {
            chunks.add(entities.subList(i, Math.min(entities.size(), i + perStatement)));
        }
        return chunks;
    }

    private Mono<Void> execute(EntityMeta<?> meta, Sql sql, List<Object> chunk, boolean generated) {
        if (!generated) {
            return this.session.update(sql).then();
        }
        return this.session.insert(sql, meta.id().column()).index().doOnNext(key -> {
            int i = key.getT1().intValue();
            if (i < chunk.size()) {
                meta.id().set(chunk.get(i), key.getT2());
            }
        }).then();
    }
}
