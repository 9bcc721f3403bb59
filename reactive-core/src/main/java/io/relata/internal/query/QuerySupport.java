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
import io.relata.spi.Operation;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiFunction;
import java.util.function.Function;
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

    private final @Nullable Ordering orderBy;

    private final int limit;

    private final long offset;

    private final boolean unscoped;

    private final List<PreloadSpec> preloads;

    private final List<JoinSpec> joins;

    private QuerySupport(Session session, EntityMeta<T> meta, List<Fragment> wheres, @Nullable Ordering orderBy,
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

    /** @return the conditions, in the order they were added */
    public List<Fragment> conditions() {
        return this.wheres;
    }

    /**
     * Writes this query's order (without {@code ORDER BY}) over its own table and the given others, such as a
     * preload's join table; nothing when the query is unordered.
     *
     * @param sql the builder
     * @param joined other tables the statement reads, by the name it gives them
     * @return whether an order was written
     * @throws IllegalArgumentException when a column of the order is not in those tables (before any SQL)
     */
    public boolean renderOrder(SqlBuilder sql, java.util.Map<String, EntityMeta<?>> joined) {
        if (this.orderBy == null) {
            return false;
        }
        this.orderBy.render(sql, this.meta, joined);
        return true;
    }

    /** @return the limit, or a negative number for none */
    public int limitValue() {
        return this.limit;
    }

    /** @return the offset, zero for none */
    public long offsetValue() {
        return this.offset;
    }

    private static <E> List<E> plus(List<E> list, E element) {
        List<E> copy = new ArrayList<>(list.size() + 1);
        copy.addAll(list);
        copy.add(element);
        return List.copyOf(copy);
    }

    @Override
    public QuerySupport<T> where(String condition, Object... args) {
        Fragment fragment = Fragment.condition(this.session.dialect(), condition, args);
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

    /**
     * Adds already checked conditions before the existing ones (a preload puts its key set first, as GORM does).
     *
     * @param fragments the conditions
     * @return a new query
     */
    public QuerySupport<T> whereFirst(List<Fragment> fragments) {
        List<Fragment> all = new ArrayList<>(fragments.size() + this.wheres.size());
        all.addAll(fragments);
        all.addAll(this.wheres);
        return new QuerySupport<>(this.session, this.meta, List.copyOf(all), this.orderBy, this.limit,
                this.offset, this.unscoped, this.preloads, this.joins);
    }

    /**
     * The number of binds this query's conditions carry, rendered as the dialect renders them (a list after
     * {@code IN} is one array bind on PostgreSQL, one bind per value elsewhere), so a preload knows how many binds
     * its key set may use.
     *
     * @return the bind count
     */
    public int bindCount() {
        SqlBuilder sql = new SqlBuilder(this.session.dialect(), this.session.binder().zone());
        for (Fragment f : this.wheres) {
            sql.fragment(f);
        }
        for (JoinSpec j : this.joins) {
            if (j.condition() != null) {
                sql.fragment(j.condition());
            }
        }
        return sql.bindCount();
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
        return withPreload(new PreloadSpec(Paths.resolve(this.meta, path),
                Fragment.condition(this.session.dialect(), condition, args), null));
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
        return withJoin(new JoinSpec(Paths.toOne(this.meta, path), null, false));
    }

    @Override
    public QuerySupport<T> joins(String path, String condition, Object... args) {
        return withJoin(new JoinSpec(Paths.toOne(this.meta, path),
                Fragment.condition(this.session.dialect(), condition, args), false));
    }

    @Override
    public QuerySupport<T> innerJoins(String path) {
        return withJoin(new JoinSpec(Paths.toOne(this.meta, path), null, true));
    }

    @Override
    public QuerySupport<T> orderBy(String columns) {
        Objects.requireNonNull(columns, "columns must not be null");
        return withOrder(Ordering.columns(columns, this.meta, joinedTables()));
    }

    @Override
    public QuerySupport<T> orderByRaw(String sql) {
        Objects.requireNonNull(sql, "sql must not be null");
        if (sql.isBlank()) {
            throw new IllegalArgumentException("orderByRaw must not be given a blank order");
        }
        return withOrder(Ordering.raw(sql));
    }

    /**
     * Orders by the primary key: Relata's own order, which never goes through the checks of user text.
     *
     * @param descending greatest key first
     * @return a new query with the order
     */
    public QuerySupport<T> orderByKey(boolean descending) {
        return withOrder(Ordering.primaryKey(descending));
    }

    private QuerySupport<T> withOrder(Ordering order) {
        return new QuerySupport<>(this.session, this.meta, this.wheres, order, this.limit, this.offset,
                this.unscoped, this.preloads, this.joins);
    }

    private java.util.Map<String, EntityMeta<?>> joinedTables() {
        return JoinPlan.of(this.session.binder(), this.meta, this.joins, this.unscoped).joinedTables();
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
    public QuerySupport<T> primary() {
        return on(this.session.onPrimary());
    }

    /** This query on another session (a replica's, or the primary's). */
    private QuerySupport<T> on(Session other) {
        return other == this.session ? this : new QuerySupport<>(other, this.meta, this.wheres, this.orderBy,
                this.limit, this.offset, this.unscoped, this.preloads, this.joins);
    }

    @Override
    public void subscribe(Subscriber<? super T> subscriber) {
        flux().subscribe(subscriber);
    }

    @Override
    public Flux<T> flux() {
        return this.session.observe(this.joins.isEmpty() ? Operation.Kind.FIND : Operation.Kind.JOIN,
                this.meta.type(), execute());
    }

    /**
     * Runs this query unobserved: a preload batch runs its target queries this way, inside the batch's own
     * observation. A read: outside a transaction it may go to a replica, with its preloads; inside the caller's own
     * transaction (a TransactionBinding) it and its preloads run on that transaction's connection (Session.read).
     *
     * @return the rows, with their preloads
     */
    public Flux<T> execute() {
        return this.session.read(s -> on(s).run());
    }

    private Flux<T> run() {
        return Flux.defer(() -> {
            JoinPlan<T> plan = JoinPlan.of(this.session.binder(), this.meta, this.joins, this.unscoped);
            if (plan.isEmpty() && this.preloads.isEmpty()) {
                return flux(plan);
            }
            // Joins compare key columns by their live types (casting where they differ) and preloads type their key
            // sets by them: the tables involved are read from the catalog first, once per instance, all together.
            return this.session.loadCatalog(catalogTables(plan)).thenMany(flux(plan));
        });
    }

    private List<String> catalogTables(JoinPlan<T> plan) {
        List<String> tables = new ArrayList<>(plan.tables());
        for (PreloadSpec preload : this.preloads) {
            for (Relationship r : preload.path()) {
                tables.add(r.target().table());
            }
        }
        return tables;
    }

    private Flux<T> flux(JoinPlan<T> plan) {
        return Flux.defer(() -> {
            if (this.preloads.isEmpty()) {
                return rows(plan);
            }
            if (!this.session.inTransaction()) {
                // The owners stream on one pooled connection while each batch's preload query borrows another:
                // one connection cannot start a query while it streams another (shared/DRIVERS.md).
                return Preloader.apply(this.session, rows(plan), this.preloads, this.unscoped, joinedNames());
            }
            int page = this.session.preloadBatchSize();
            if (this.limit >= 0 && this.limit <= page) {
                // One page at most (first(), small limits): read it whole, then preload it.
                return rows(plan).collectList().flatMapMany(this::preloadPage);
            }
            return this.session.supportsCursors() ? cursorPages(plan, page) : pages(plan, page);
        });
    }

    private Flux<T> rows(JoinPlan<T> plan) {
        Sql sql = render(plan, false, this.limit, this.offset);
        return this.session.select(sql, reader(plan));
    }

    private BiFunction<Row, RowMetadata, T> reader(JoinPlan<T> plan) {
        return plan::read;
    }

    private Flux<T> preloadPage(List<T> owners) {
        return Preloader.apply(this.session, Flux.fromIterable(owners), this.preloads, this.unscoped,
                joinedNames());
    }

    /**
     * Inside a transaction the owners' query cannot stay open while preload queries run on the same connection
     * (the driver would wait for the stream to be drained, and the stream for the preload: a deadlock), so owners
     * are read in complete pieces, each preloaded and emitted before the next is read.
     *
     * <p>{@code concatMap(..., 0)} asks for the next piece only once the previous one is done: the piece's query,
     * its preloads and the emission of its owners. So the statements alternate (read, preload, read, preload) and
     * at most one piece is held in memory, and the flag set by a short piece ends the generator before another
     * read is sent.
     */
    private Flux<T> pieces(Function<Long, Mono<List<T>>> read, int page) {
        AtomicBoolean more = new AtomicBoolean(true);
        return Flux.<Long, Long>generate(() -> 0L, (n, sink) -> {
            if (more.get()) {
                sink.next(n);
            }
            else {
                sink.complete();
            }
            return n + 1;
        }).concatMap(n -> read.apply(n).flatMapMany(owners -> {
            if (owners.size() < page) {
                more.set(false);
            }
            return preloadPage(owners);
        }), 0);
    }

    /**
     * PostgreSQL: a server-side cursor ({@code DECLARE ... NO SCROLL CURSOR} then {@code FETCH n}), which needs the
     * transaction it lives in and streams one consistent snapshot (verified with 200,000 owners in a 64 MiB heap,
     * shared/DRIVERS.md). The cursor is closed when the stream completes or is cancelled; after an error the
     * transaction is aborted and takes the cursor with it.
     */
    private Flux<T> cursorPages(JoinPlan<T> plan, int page) {
        BiFunction<Row, RowMetadata, T> reader = reader(plan);
        String cursor = "relata_c" + CURSORS.incrementAndGet();
        Sql select = render(plan, false, this.limit, this.offset);
        Sql declare = new Sql("DECLARE " + cursor + " NO SCROLL CURSOR FOR " + select.text(), select.binds());
        Sql fetch = new Sql("FETCH " + page + " FROM " + cursor, List.of());
        Mono<Void> close = this.session.update(new Sql("CLOSE " + cursor, List.of())).then();
        return Flux.usingWhen(this.session.update(declare),
                declared -> pieces(n -> this.session.select(fetch, reader).collectList(), page),
                declared -> close,
                (declared, error) -> Mono.empty(),
                // Best effort: when the whole transaction is being cancelled, it may be gone before CLOSE runs.
                declared -> close.onErrorResume(error -> Mono.empty()));
    }

    /**
     * H2 and MariaDB: keyset pages ({@code WHERE pk > last ORDER BY pk LIMIT n}) when the query has neither an order
     * nor joins, so every page is an index range scan; otherwise {@code LIMIT}/{@code OFFSET} pages in the query's
     * order, the primary key breaking ties unless ordered. Unlike a cursor these do not read one snapshot, so rows
     * changed by the same transaction while it streams may be seen in a later page.
     */
    private Flux<T> pages(JoinPlan<T> plan, int page) {
        BiFunction<Row, RowMetadata, T> reader = reader(plan);
        long end = this.limit < 0 ? Long.MAX_VALUE : this.offset + this.limit;
        AtomicLong position = new AtomicLong(this.offset);
        if (this.orderBy == null && this.joins.isEmpty()) {
            Property id = this.meta.id();
            QuerySupport<T> ordered = orderByKey(false);
            AtomicReference<@Nullable Object> last = new AtomicReference<>();
            return pieces(n -> Mono.defer(() -> {
                int size = (int) Math.min(page, end - position.get());
                if (size <= 0) {
                    return Mono.just(List.<T>of());
                }
                Object after = last.get();
                // The first page skips the query's offset; the next ones start after the last key read.
                QuerySupport<T> q = after == null ? ordered
                        : ordered.where(Fragment.condition(this.session.dialect(), primaryKeyOrder() + " > ?", after));
                return this.session.select(q.render(plan, false, size, after == null ? this.offset : 0), reader)
                        .collectList()
                        .doOnNext(owners -> {
                            position.addAndGet(owners.size());
                            if (!owners.isEmpty()) {
                                last.set(id.getColumnValue(owners.get(owners.size() - 1)));
                            }
                        });
            }), page);
        }
        // The primary key breaks ties, so rows with equal sort keys cannot move between pages.
        QuerySupport<T> ordered = this.orderBy == null ? orderByKey(false) : withOrder(this.orderBy.thenPrimaryKey());
        return pieces(n -> Mono.defer(() -> {
            long from = position.get();
            int size = (int) Math.min(page, end - from);
            if (size <= 0) {
                return Mono.just(List.<T>of());
            }
            return this.session.select(ordered.render(plan, false, size, from), reader).collectList()
                    .doOnNext(owners -> position.addAndGet(owners.size()));
        }), page);
    }

    /** The owner's associations this query joins (the first level of every join path). */
    private java.util.Set<String> joinedNames() {
        java.util.Set<String> names = new java.util.HashSet<>();
        for (JoinSpec join : this.joins) {
            names.add(join.path().get(0).name());
        }
        return names;
    }

    private String primaryKeyOrder() {
        Dialect d = this.session.dialect();
        return d.quote(this.meta.table()) + "." + d.quote(this.meta.id().column());
    }

    @Override
    public Mono<T> first() {
        QuerySupport<T> q = this.orderBy == null ? orderByKey(false) : this;
        // reduce, not next(): next() cancels the query after its row, and the connection would then be returned
        // asynchronously after the Mono completed; reading to completion returns it before the row is emitted.
        return q.limit(1).flux().reduce((first, next) -> first);
    }

    @Override
    public Mono<Long> count() {
        return this.session.observe(Operation.Kind.COUNT, this.meta.type(),
                this.session.read(s -> on(s).countHere()).single());
    }

    private Mono<Long> countHere() {
        return Mono.defer(() -> {
            JoinPlan<T> plan = JoinPlan.of(this.session.binder(), this.meta, this.joins, this.unscoped);
            // One row; reduce rather than next() for the reason given in first().
            Mono<Long> count = Mono.defer(() -> this.session.select(render(plan, true, -1, 0),
                    (row, md) -> ((Number) Objects.requireNonNull(row.get(0))).longValue()).reduce((first, next) -> first));
            return plan.isEmpty() ? count : this.session.loadCatalog(plan.tables()).then(count);
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
        SqlBuilder sql = new SqlBuilder(dialect, this.session.binder().zone()).sql("SELECT ");
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
                sql.sql(" ORDER BY ");
                this.orderBy.render(sql, this.meta, plan.joinedTables());
            }
            if (limit >= 0) {
                sql.sql(" LIMIT ").sql(Integer.toString(limit));
            }
            if (offset > 0) {
                if (limit < 0 && !dialect.limitForOffsetOnly().isEmpty()) {
                    sql.sql(" LIMIT ").sql(dialect.limitForOffsetOnly());
                }
                sql.sql(" OFFSET ").sql(Long.toString(offset));
            }
        }
        return sql.build();
    }
}
