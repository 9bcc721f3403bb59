package io.relata.internal.schema;

import io.relata.dialect.Dialect;
import io.relata.dialect.SqlType;
import io.relata.internal.meta.EntityMeta;
import io.relata.internal.meta.Property;
import io.relata.internal.meta.Relationship;
import io.relata.internal.sql.Sql;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The live schema of one {@code Relata} instance, shared by its transactions: each table is read from the catalog
 * once, on first use (three small queries, for all the tables a statement needs at once), and again only when
 * {@code migrate} or {@code validate} refresh it. A table the catalog does not have is remembered as absent too, so a
 * table Relata cannot see (another schema on the search path) costs one read, not one per statement; its columns
 * are then taken to have the types {@code migrate} would give them.
 *
 * <p>Thread-safe: two first uses of one table at once may both read it, and the later read wins; the two are equal.
 */
public final class Catalog {

    private final Dialect dialect;

    private final CatalogReader reader;

    private final ConcurrentMap<String, Optional<TableInfo>> tables = new ConcurrentHashMap<>();

    private final ConcurrentMap<Property, SqlType> columnTypes = new ConcurrentHashMap<>();

    private final Set<String> warnings = ConcurrentHashMap.newKeySet();

    /**
     * Creates an empty catalog.
     *
     * @param dialect the dialect whose queries read it
     */
    public Catalog(Dialect dialect) {
        this.dialect = dialect;
        this.reader = new CatalogReader(dialect);
    }

    /**
     * The tables entities are stored in, and those their associations reach: what migrate and validate read.
     *
     * @param metas the entities
     * @return the table names, without duplicates, in order
     */
    public static List<String> tablesOf(Collection<EntityMeta<?>> metas) {
        Set<String> tables = new LinkedHashSet<>();
        for (EntityMeta<?> meta : metas) {
            tables.add(meta.table());
            for (Relationship r : meta.relationships()) {
                tables.add(r.target().table());
                if (r.manyToMany()) {
                    tables.add(r.joinTable().table());
                }
            }
        }
        return List.copyOf(tables);
    }

    private String key(String table) {
        return this.reader.key(this.dialect.storedName(table));
    }

    /**
     * The tables of a list that have not been read yet.
     *
     * @param tables table names as Relata names them
     * @return the unread ones, without duplicates
     */
    public List<String> unread(Collection<String> tables) {
        List<String> out = null;
        for (String table : tables) {
            if (!this.tables.containsKey(key(table))) {
                if (out == null) {
                    out = new ArrayList<>();
                }
                if (!out.contains(table)) {
                    out.add(table);
                }
            }
        }
        return out == null ? List.of() : out;
    }

    /**
     * Reads the tables not read yet.
     *
     * @param tables table names as Relata names them
     * @param query runs a statement and emits each row's values
     * @return completes when they are known
     */
    public Mono<Void> load(Collection<String> tables, Function<Sql, Flux<@Nullable Object[]>> query) {
        return Mono.defer(() -> {
            List<String> unread = unread(tables);
            return unread.isEmpty() ? Mono.empty() : read(unread, query);
        });
    }

    /**
     * Reads tables again, whether read before or not.
     *
     * @param tables table names as Relata names them
     * @param query runs a statement and emits each row's values
     * @return completes when they are known
     */
    public Mono<Void> refresh(Collection<String> tables, Function<Sql, Flux<@Nullable Object[]>> query) {
        return Mono.defer(() -> tables.isEmpty() ? Mono.empty() : read(new ArrayList<>(new LinkedHashSet<>(tables)),
                query));
    }

    private Mono<Void> read(List<String> tables, Function<Sql, Flux<@Nullable Object[]>> query) {
        List<String> stored = new ArrayList<>(tables.size());
        for (String table : tables) {
            stored.add(this.dialect.storedName(table));
        }
        return this.reader.read(stored, query).doOnNext(found -> {
            for (String table : tables) {
                this.tables.put(key(table), Optional.ofNullable(found.get(key(table))));
            }
            // Types resolved against the old state are stale now.
            this.columnTypes.clear();
        }).then();
    }

    /**
     * A table as read.
     *
     * @param table the table name as Relata names it
     * @return the table, or {@code null} when it is absent or not read yet
     */
    public @Nullable TableInfo table(String table) {
        Optional<TableInfo> info = this.tables.get(key(table));
        return info == null ? null : info.orElse(null);
    }

    /**
     * A property's column as read.
     *
     * @param property the property
     * @return the column, or {@code null} when its table or the column is absent or not read yet
     */
    public @Nullable ColumnInfo column(Property property) {
        TableInfo table = table(property.owner().table());
        return table == null ? null : table.column(this.dialect.storedName(property.column()));
    }

    /**
     * The type of a property's column: the declared one when the table was read and has it, else the one
     * {@code migrate} gives it. Resolved once per property (until the next refresh).
     *
     * @param property the property
     * @return the column type
     */
    public SqlType columnType(Property property) {
        SqlType type = this.columnTypes.get(property);
        if (type == null) {
            ColumnInfo column = column(property);
            type = column != null ? column.type() : this.dialect.sqlType(property.columnType());
            // Only cached once the table was read: before that, the migrate type is a stand-in.
            if (this.tables.containsKey(key(property.owner().table()))) {
                this.columnTypes.put(property, type);
            }
        }
        return type;
    }

    /**
     * Records a warning once per instance.
     *
     * @param key what the warning is about, such as {@code index:cards.user_id}
     * @return {@code true} the first time, when the warning should be logged
     */
    public boolean firstWarning(String key) {
        return this.warnings.add(key);
    }

    @Override
    public String toString() {
        return "Catalog" + Map.copyOf(this.tables).keySet();
    }
}
