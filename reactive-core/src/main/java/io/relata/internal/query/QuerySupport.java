package io.relata.internal.query;

import io.r2dbc.spi.Row;
import io.r2dbc.spi.RowMetadata;
import io.relata.Query;
import io.relata.dialect.Dialect;
import io.relata.internal.exec.Session;
import io.relata.internal.load.JoinPlan;
import io.relata.internal.load.JoinSpec;
import io.relata.internal.load.PreloadSpec;
import io.relata.internal.load.Preloader;
import io.relata.internal.meta.EntityMeta;
import io.relata.internal.meta.Property;
import io.relata.internal.meta.Relationship;
import io.relata.internal.sql.Fragment;
import io.relata.internal.sql.Sql;
import io.relata.internal.sql.SqlBuilder;
import io.relata.internal.sql.Statements;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiFunction;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Subscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The immutable implementation of {@link Query}: each step copies the state it changes (spring-data's
 * {@code ReactiveSelectSupport} shape), and only {@link #flux()} and friends touch the database.
 *
 * @param <T> the entity type
 */
public final class QuerySupport<T> implements Query<T> {

    private static final AtomicLong CURSORS = new AtomicLong();

    private final Session session;

    private final EntityMeta<T> meta;

    private final List<Fragment> wheres;

    private final @Nullable String orderBy;

    private final int limit;

    private final long offset;

    private final boolean unscoped;

    private final List<PreloadSpec> preloads;

    private final List<JoinSpec> joins;

    private QuerySupport(Session session, EntityMeta<T> meta, List<Fragment> wheres, @Nullable String orderBy,
            int limit, long offset, boolean unscoped, List<PreloadSpec> preloads, List<JoinSpec> joins) {
        this.session = session;
        this.meta = meta;
        this.wheres = wheres;
        this.orderBy = orderBy;
        this.limit = limit;
        this.offset = offset;
        this.unscoped = unscoped;
        this.preloads = preloads;
        this.joins = joins;
    }

    /**
     * A query over all rows of an entity.
     *
     * @param session the session to run on
     * @param meta the entity
     * @param unscoped whether soft-deleted rows are included
     * @param <T> the entity type
     * @return the query
     */
    public static <T> QuerySupport<T> of(Session session, EntityMeta<T> meta, boolean unscoped) {
        return new QuerySupport<>(session, meta, List.of(), null, -1, 0, unscoped, List.of(), List.of());
    }

    /** @return the entity */
    public EntityMeta<T> meta() {
        return this.meta;
    }

    /** @return the session */
    public Session session() {
        return this.session;
    }

    /** @return whether soft-deleted rows are included */
    public boolean isUnscoped() {
        return this.unscoped;
    }

    private static <E> List<E> plus(List<E> list, E element) {
        List<E> copy = new ArrayList<>(list.size() + 1);
        copy.addAll(list);
        copy.add(element);
        return List.copyOf(copy);
    }

    @Override
    public QuerySupport<T> where(String condition, Object... args) {
        Fragment fragment = Fragment.of(condition, args);
        return new QuerySupport<>(this.session, this.meta, plus(this.wheres, fragment), this.orderBy, this.limit,
                this.offset, this.unscoped, this.preloads, this.joins);
    }

    /**
     * Adds an already checked condition.
     *
     * @param fragment the condition
     * @return a new query
     */
    public QuerySupport<T> where(Fragment fragment) {
        return new QuerySupport<>(this.session, this.meta, plus(this.wheres, fragment), this.orderBy, this.limit,
                this.offset, this.unscoped, this.preloads, this.joins);
    }

    private QuerySupport<T> withPreload(PreloadSpec spec) {
        return new QuerySupport<>(this.session, this.meta, this.wheres, this.orderBy, this.limit, this.offset,
                this.unscoped, plus(this.preloads, spec), this.joins);
    }

    @Override
    public QuerySupport<T> preload(String path) {
        return withPreload(new PreloadSpec(Paths.resolve(this.meta, path), null, null));
    }

    @Override
    public QuerySupport<T> preload(String path, String condition, Object... args) {
        return withPreload(new PreloadSpec(Paths.resolve(this.meta, path), Fragment.of(condition, args), null));
    }

    @Override
    public QuerySupport<T> preload(String path, UnaryOperator<Query<Object>> customize) {
        Objects.requireNonNull(customize, "customize must not be null");
        return withPreload(new PreloadSpec(Paths.resolve(this.meta, path), null, customize));
    }

    @Override
    public QuerySupport<T> preloadAll() {
        QuerySupport<T> q = this;
        for (Relationship r : this.meta.relationships()) {
            q = q.withPreload(new PreloadSpec(List.of(r), null, null));
        }
        return q;
    }

    private QuerySupport<T> withJoin(JoinSpec spec) {
        return new QuerySupport<>(this.session, this.meta, this.wheres, this.orderBy, this.limit, this.offset,
                this.unscoped, this.preloads, plus(this.joins, spec));
    }

    @Override
    public QuerySupport<T> joins(String path) {
        return withJoin(new JoinSpec(Paths.resolve(this.meta, path), null, false));
    }

    @Override
    public QuerySupport<T> joins(String path, String condition, Object... args) {
        return withJoin(new JoinSpec(Paths.resolve(this.meta, path), Fragment.of(condition, args), false));
    }

    @Override
    public QuerySupport<T> innerJoins(String path) {
        return withJoin(new JoinSpec(Paths.resolve(this.meta, path), null, true));
    }

    @Override
    public QuerySupport<T> orderBy(String orderBy) {
        Objects.requireNonNull(orderBy, "orderBy must not be null");
        return new QuerySupport<>(this.session, this.meta, this.wheres, orderBy, this.limit, this.offset,
                this.unscoped, this.preloads, this.joins);
    }

    @Override
    public QuerySupport<T> limit(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("limit must not be negative: " + n);
        }
        return new QuerySupport<>(this.session, this.meta, this.wheres, this.orderBy, n, this.offset,
                this.unscoped, this.preloads, this.joins);
    }

    @Override
    public QuerySupport<T> offset(long n) {
        if (n < 0) {
            throw new IllegalArgumentException("offset must not be negative: " + n);
        }
        return new QuerySupport<>(this.session, this.meta, this.wheres, this.orderBy, this.limit, n,
                this.unscoped, this.preloads, this.joins);
    }

    @Override
    public QuerySupport<T> unscoped() {
        return new QuerySupport<>(this.session, this.meta, this.wheres, this.orderBy, this.limit, this.offset,
                true, this.preloads, this.joins);
    }

    @Override
    public void subscribe(Subscriber<? super T> subscriber) {
        flux().subscribe(subscriber);
    }

    @Override
    public Flux<T> flux() {
        return Flux.defer(() -> {
            JoinPlan<T> plan = JoinPlan.of(this.session.dialect(), this.meta, this.joins, this.unscoped);
            if (this.preloads.isEmpty()) {
                return rows(plan);
            }
            Flux<T> owners = this.session.inTransaction() ? pagedRows(plan) : rows(plan);
            return Preloader.apply(this.session, owners, this.preloads, this.unscoped);
        });
    }

    private Flux<T> rows(JoinPlan<T> plan) {
        Sql sql = render(plan, false, this.limit, this.offset);
        return this.session.select(sql, reader(plan));
    }

    private BiFunction<Row, RowMetadata, T> reader(JoinPlan<T> plan) {
        Dialect dialect = this.session.dialect();
        return (row, metadata) -> plan.read(dialect, row);
    }

    /**
     * Inside a transaction the owners' query cannot stay open while preload queries run on the same connection,
     * so the owners are read in complete pages, each preloaded before the next is fetched. PostgreSQL streams a
     * server-side cursor ({@code DECLARE ... CURSOR} + {@code FETCH n}, verified in shared/DRIVERS.md); the other
     * databases read {@code LIMIT}/{@code OFFSET} pages in a stable order (the primary key unless ordered).
     */
    private Flux<T> pagedRows(JoinPlan<T> plan) {
        int page = this.session.preloadBatchSize();
        BiFunction<Row, RowMetadata, T> reader = reader(plan);
        if (this.session.supportsCursors()) {
            String cursor = "relata_c" + CURSORS.incrementAndGet();
            Sql select = render(plan, false, this.limit, this.offset);
            Sql declare = new Sql("DECLARE " + cursor + " NO SCROLL CURSOR FOR " + select.text(), select.binds());
            Sql fetch = new Sql("FETCH " + page + " FROM " + cursor, List.of());
            Sql close = new Sql("CLOSE " + cursor, List.of());
            return this.session.update(declare)
                    .thenMany(Mono.defer(() -> this.session.select(fetch, reader).collectList())
                            .repeat()
                            .takeUntil(rows -> rows.size() < page))
                    .concatMapIterable(rows -> rows)
                    .concatWith(this.session.update(close).then(Mono.empty()));
        }
        QuerySupport<T> ordered = this.orderBy == null ? orderBy(primaryKeyOrder()) : this;
        long start = this.offset;
        long end = this.limit < 0 ? Long.MAX_VALUE : start + this.limit;
        return Flux.<Long, Long>generate(() -> start, (from, sink) -> {
            if (from >= end) {
                sink.complete();
            }
            else {
                sink.next(from);
            }
            return from + page;
        })
                .concatMap(from -> this.session.select(ordered.render(plan, false,
                        (int) Math.min(page, end - from), from), reader).collectList(), 0)
                .takeUntil(rows -> rows.size() < page)
                .concatMapIterable(rows -> rows);
    }

    private String primaryKeyOrder() {
        Dialect d = this.session.dialect();
        return d.quote(this.meta.table()) + "." + d.quote(this.meta.id().column());
    }

    @Override
    public Mono<T> first() {
        QuerySupport<T> q = this.orderBy == null ? orderBy(primaryKeyOrder()) : this;
        return q.limit(1).flux().next();
    }

    @Override
    public Mono<Long> count() {
        return Mono.defer(() -> {
            JoinPlan<T> plan = JoinPlan.of(this.session.dialect(), this.meta, this.joins, this.unscoped);
            Sql sql = render(plan, true, -1, 0);
            return this.session.select(sql, (row, md) -> ((Number) Objects.requireNonNull(row.get(0))).longValue())
                    .next();
        });
    }

    /**
     * Renders this query's {@code SELECT}.
     *
     * @param plan the joins
     * @param count whether to select {@code COUNT(*)} instead of columns
     * @param limit the limit, or negative for none
     * @param offset the offset
     * @return the statement
     */
    Sql render(JoinPlan<T> plan, boolean count, int limit, long offset) {
        Dialect dialect = this.session.dialect();
        SqlBuilder sql = new SqlBuilder(dialect).sql("SELECT ");
        String table = this.meta.table();
        if (count) {
            sql.sql("COUNT(*)");
        }
        else {
            List<Property> properties = this.meta.properties();
            for (int i = 0; i < properties.size(); i++) {
                sql.sql(i == 0 ? "" : ", ").column(table, properties.get(i).column());
            }
            plan.renderColumns(sql);
        }
        sql.sql(" FROM ").id(table);
        plan.renderJoins(sql);
        boolean first = !Statements.softDeleteScope(sql, this.meta, table, this.unscoped, " WHERE ");
        for (Fragment where : this.wheres) {
            sql.sql(first ? " WHERE (" : " AND (").fragment(where).sql(")");
            first = false;
        }
        if (!count) {
            if (this.orderBy != null) {
                sql.sql(" ORDER BY ").sql(this.orderBy);
            }
            if (limit >= 0) {
                sql.sql(" LIMIT ").sql(Integer.toString(limit));
            }
            if (offset > 0) {
                if (limit < 0 && "MariaDB".equalsIgnoreCase(dialect.name())) {
                    // MariaDB has no OFFSET without LIMIT; its manual suggests the largest BIGINT UNSIGNED.
                    sql.sql(" LIMIT 18446744073709551615");
                }
                sql.sql(" OFFSET ").sql(Long.toString(offset));
            }
        }
        return sql.build();
    }
}
