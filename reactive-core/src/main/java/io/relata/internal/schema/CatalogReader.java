package io.relata.internal.schema;

import io.relata.dialect.Dialect;
import io.relata.internal.sql.Bind;
import io.relata.internal.sql.Sql;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Reads tables from the catalog with the dialect's three queries (columns, indexes, foreign keys), each run once for
 * all the tables asked for, and assembles them into {@link TableInfo}s.
 */
final class CatalogReader {

    private final Dialect dialect;

    CatalogReader(Dialect dialect) {
        this.dialect = dialect;
    }

    /**
     * Reads tables.
     *
     * @param storedNames the tables' stored names
     * @param query runs a statement and emits each row's values, read untyped
     * @return the tables that exist, by stored name (as the catalog spells it, keyed per {@link #key(String)})
     */
    Mono<Map<String, TableInfo>> read(List<String> storedNames, Function<Sql, Flux<@Nullable Object[]>> query) {
        List<Bind> binds = new ArrayList<>(storedNames.size());
        for (String name : storedNames) {
            binds.add(new Bind(name, String.class));
        }
        int n = storedNames.size();
        Mono<List<@Nullable Object[]>> columns = query.apply(new Sql(this.dialect.columnsQuery(n), binds)).collectList();
        Mono<List<@Nullable Object[]>> indexes = query.apply(new Sql(this.dialect.indexesQuery(n), binds)).collectList();
        Mono<List<@Nullable Object[]>> keys = query.apply(new Sql(this.dialect.foreignKeysQuery(n), binds)).collectList();
        // One after the other: inside a transaction they share its one connection.
        return columns.flatMap(c -> indexes.flatMap(i -> keys.map(k -> assemble(c, i, k))));
    }

    /**
     * The key a table or column is matched by: the stored name, lower-cased where the catalog ignores case.
     *
     * @param storedName a stored name
     * @return the key
     */
    String key(String storedName) {
        return this.dialect.caseInsensitiveCatalog() ? storedName.toLowerCase(Locale.ROOT) : storedName;
    }

    private Map<String, TableInfo> assemble(List<@Nullable Object[]> columnRows, List<@Nullable Object[]> indexRows,
            List<@Nullable Object[]> keyRows) {
        Map<String, String> names = new LinkedHashMap<>();
        Map<String, List<ColumnInfo>> columns = new HashMap<>();
        for (Object[] row : columnRows) {
            String table = text(row[0]);
            names.putIfAbsent(key(table), table);
            columns.computeIfAbsent(key(table), k -> new ArrayList<>()).add(new ColumnInfo(text(row[1]),
                    this.dialect.sqlType(text(row[2])), "YES".equalsIgnoreCase(text(row[3])),
                    row.length < 5 || !"NO".equalsIgnoreCase(text(row[4]))));
        }
        Map<String, Map<String, IndexBuilder>> indexes = new HashMap<>();
        for (Object[] row : indexRows) {
            IndexBuilder index = indexes.computeIfAbsent(key(text(row[0])), k -> new LinkedHashMap<>())
                    .computeIfAbsent(text(row[1]), IndexBuilder::new);
            index.unique = "YES".equalsIgnoreCase(text(row[4]));
            index.columns.add(row[2] == null ? null : text(row[2]));
        }
        Map<String, Map<String, KeyBuilder>> keys = new HashMap<>();
        for (Object[] row : keyRows) {
            KeyBuilder key = keys.computeIfAbsent(key(text(row[0])), k -> new LinkedHashMap<>())
                    .computeIfAbsent(text(row[1]), KeyBuilder::new);
            key.columns.add(text(row[2]));
            key.referencedTable = text(row[4]);
            key.referencedColumns.add(text(row[5]));
        }
        Map<String, TableInfo> out = new HashMap<>();
        names.forEach((key, name) -> {
            List<IndexInfo> tableIndexes = new ArrayList<>();
            indexes.getOrDefault(key, Map.of()).values()
                    .forEach(i -> tableIndexes.add(new IndexInfo(i.name, i.columns, i.unique)));
            List<ForeignKeyInfo> tableKeys = new ArrayList<>();
            keys.getOrDefault(key, Map.of()).values().forEach(k -> tableKeys.add(new ForeignKeyInfo(k.name, k.columns,
                    k.referencedTable, k.referencedColumns)));
            out.put(key, new TableInfo(name, columns.get(key), tableIndexes, tableKeys,
                    this.dialect.caseInsensitiveCatalog()));
        });
        return out;
    }

    private static String text(@Nullable Object value) {
        return String.valueOf(value);
    }

    private static final class IndexBuilder {

        final String name;

        final List<@Nullable String> columns = new ArrayList<>();

        boolean unique;

        IndexBuilder(String name) {
            this.name = name;
        }
    }

    private static final class KeyBuilder {

        final String name;

        final List<String> columns = new ArrayList<>();

        final List<String> referencedColumns = new ArrayList<>();

        String referencedTable = "";

        KeyBuilder(String name) {
            this.name = name;
        }
    }
}
