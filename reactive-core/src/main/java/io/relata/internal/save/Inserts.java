package io.relata.internal.save;

import io.relata.internal.exec.Session;
import io.relata.internal.meta.EntityMeta;
import io.relata.internal.meta.Property;
import io.relata.internal.sql.Sql;
import io.relata.internal.sql.Statements;
import java.util.ArrayList;
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
        if (entities.size() == 1 || columns.isEmpty() || !this.session.dialect().supportsArrayInsert()) {
            return insertRows(meta, columns, entities, generated);
        }
        // The array types follow the columns' real types: the table's catalog is read first (once per instance).
        return this.session.loadCatalog(List.of(meta.table())).then(Mono.defer(() -> {
            List<String> types = arrayTypes(columns);
            return types == null ? insertRows(meta, columns, entities, generated)
                    : insertArrays(meta, columns, types, entities, generated);
        }));
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
        return Flux.fromIterable(chunks(entities, ARRAY_INSERT_BATCH)).concatMap(chunk ->
                execute(meta, Statements.insertArrays(this.session.dialect(), meta, columns, types, chunk), chunk,
                        generated)).then();
    }

    private Mono<Void> insertRows(EntityMeta<?> meta, List<Property> columns, List<Object> entities,
            boolean generated) {
        int perStatement = Math.max(1, Math.min(Cascade.INSERT_BATCH,
                this.session.dialect().maxBindParameters() / Math.max(1, columns.size())));
        return Flux.fromIterable(chunks(entities, perStatement)).concatMap(chunk ->
                execute(meta, Statements.insert(this.session.dialect(), meta, columns, chunk), chunk, generated))
                .then();
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
