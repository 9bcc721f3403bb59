package io.relata.internal.query;

import io.relata.internal.meta.EntityMeta;
import io.relata.internal.meta.Naming;
import io.relata.internal.meta.Property;
import io.relata.internal.meta.Relationship;
import io.relata.internal.sql.SqlBuilder;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;
import org.jspecify.annotations.Nullable;

/**
 * A query's {@code ORDER BY}: column terms checked against the entity and its joined associations and rendered by
 * Relata with quoted identifiers (the user's text never reaches the statement), trusted raw SQL from
 * {@code orderByRaw}, or Relata's own primary-key order. Issue 9: {@code orderBy} used to splice its text, and on H2
 * {@code orderBy("name; DROP TABLE credit_cards; --")} dropped the table.
 */
final class Ordering {

    private final List<Item> items;

    private Ordering(List<Item> items) {
        this.items = List.copyOf(items);
    }

    /**
     * Parses {@code "[table.]column [ASC|DESC] [NULLS FIRST|LAST], ..."} and checks every column that can be checked
     * now: against the root entity and the joins so far; a column only an association not joined yet has is checked
     * again when the query is rendered.
     *
     * @param text the user's order
     * @param root the queried entity
     * @param joined the joined tables by the name the statement gives them
     * @return the order
     * @throws IllegalArgumentException for anything but a column list, or a column no reachable entity has
     */
    static Ordering columns(String text, EntityMeta<?> root, Map<String, EntityMeta<?>> joined) {
        if (text.isBlank()) {
            throw invalid(text, "it is empty", root, joined);
        }
        List<Item> items = new ArrayList<>();
        for (String term : text.split(",", -1)) {
            Column column = parse(text, term.strip(), root, joined);
            if (resolve(column, root, joined) == null && !reachable(column, root)) {
                throw invalid(text, "no column '" + column.label() + "'", root, joined);
            }
            items.add(column);
        }
        return new Ordering(items);
    }

    /**
     * Trusted SQL, written into the statement as it is.
     *
     * @param sql the order
     * @return the order
     */
    static Ordering raw(String sql) {
        return new Ordering(List.of(new Raw(sql)));
    }

    /**
     * The root's primary key, Relata's own order for {@code first()} and for pages.
     *
     * @param descending whether greatest first
     * @return the order
     */
    static Ordering primaryKey(boolean descending) {
        return new Ordering(List.of(new PrimaryKey(descending)));
    }

    /** @return this order with the primary key breaking ties */
    Ordering thenPrimaryKey() {
        List<Item> all = new ArrayList<>(this.items);
        all.add(new PrimaryKey(false));
        return new Ordering(all);
    }

    /**
     * Writes the order (without {@code ORDER BY}).
     *
     * @param sql the builder
     * @param root the queried entity
     * @param joined the joined tables by the name the statement gives them
     * @throws IllegalArgumentException when a column is not one of the root's or the joined tables' (before any SQL)
     */
    void render(SqlBuilder sql, EntityMeta<?> root, Map<String, EntityMeta<?>> joined) {
        for (int i = 0; i < this.items.size(); i++) {
            if (i > 0) {
                sql.sql(", ");
            }
            Item item = this.items.get(i);
            if (item instanceof Raw raw) {
                sql.sql(raw.sql());
            }
            else if (item instanceof PrimaryKey key) {
                sql.column(root.table(), root.id().column()).sql(key.descending() ? " DESC" : "");
            }
            else {
                Column column = (Column) item;
                Target target = resolve(column, root, joined);
                if (target == null) {
                    throw invalid(column.label(), "no column '" + column.label() + "' in this query", root, joined);
                }
                renderColumn(sql, target, column);
            }
        }
    }

    /**
     * {@code NULLS FIRST/LAST} where the database has it; elsewhere (MariaDB 10.11) a sort on {@code col IS NULL}
     * first, which is 1 for {@code NULL}: descending puts the nulls first, ascending last.
     */
    private static void renderColumn(SqlBuilder sql, Target target, Column column) {
        String direction = column.direction() == null ? "" : " " + column.direction();
        if (column.nullsFirst() != null && !sql.dialect().supportsNullsOrdering()) {
            sql.column(target.alias(), target.property().column()).sql(" IS NULL")
                    .sql(column.nullsFirst() ? " DESC, " : " ASC, ");
            sql.column(target.alias(), target.property().column()).sql(direction);
            return;
        }
        sql.column(target.alias(), target.property().column()).sql(direction);
        if (column.nullsFirst() != null) {
            sql.sql(column.nullsFirst() ? " NULLS FIRST" : " NULLS LAST");
        }
    }

    private static Column parse(String text, String term, EntityMeta<?> root, Map<String, EntityMeta<?>> joined) {
        String[] words = term.isEmpty() ? new String[0] : term.split("\\s+");
        if (words.length == 0) {
            throw invalid(text, "a column is missing between commas", root, joined);
        }
        String name = words[0];
        int dot = name.indexOf('.');
        String qualifier = dot < 0 ? null : name.substring(0, dot);
        String columnName = dot < 0 ? name : name.substring(dot + 1);
        if (qualifier != null && !identifier(qualifier) || !identifier(columnName)) {
            throw invalid(text, "'" + name + "' is not a column name ([table.]column)", root, joined);
        }
        int at = 1;
        String direction = null;
        if (at < words.length && (keyword(words[at], "ASC") || keyword(words[at], "DESC"))) {
            direction = words[at++].toUpperCase(Locale.ROOT);
        }
        Boolean nullsFirst = null;
        if (at + 1 < words.length && keyword(words[at], "NULLS")
                && (keyword(words[at + 1], "FIRST") || keyword(words[at + 1], "LAST"))) {
            nullsFirst = keyword(words[at + 1], "FIRST");
            at += 2;
        }
        if (at < words.length) {
            throw invalid(text, "'" + words[at] + "' after '" + name + "' is not ASC, DESC, NULLS FIRST or NULLS LAST",
                    root, joined);
        }
        return new Column(qualifier, columnName, direction, nullsFirst);
    }

    private static boolean identifier(String s) {
        if (s.isEmpty() || !(Character.isLetter(s.charAt(0)) || s.charAt(0) == '_')) {
            return false;
        }
        for (int i = 1; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!(Character.isLetterOrDigit(c) || c == '_')) {
                return false;
            }
        }
        return true;
    }

    private static boolean keyword(String word, String keyword) {
        return word.equalsIgnoreCase(keyword);
    }

    /**
     * The table and column a term names: a qualifier is the root's table name or a joined table's name or alias; an
     * unqualified name is the root's column, else the one joined table's that has it.
     */
    private static @Nullable Target resolve(Column column, EntityMeta<?> root, Map<String, EntityMeta<?>> joined) {
        String qualifier = column.qualifier();
        if (qualifier == null || qualifier.equalsIgnoreCase(root.table())) {
            Property p = root.property(column.column());
            if (p != null || qualifier != null) {
                return p == null ? null : new Target(root.table(), p);
            }
        }
        Target found = null;
        for (Map.Entry<String, EntityMeta<?>> table : joined.entrySet()) {
            if (qualifier != null && !qualifier.equalsIgnoreCase(table.getKey())) {
                continue;
            }
            Property p = table.getValue().property(column.column());
            if (p != null) {
                if (found != null) {
                    throw new IllegalArgumentException("orderBy: column '" + column.column() + "' is in both "
                            + found.alias() + " and " + table.getKey() + "; qualify it with the table");
                }
                found = new Target(table.getKey(), p);
            }
        }
        return found;
    }

    /**
     * Whether a later {@code joins(...)} could still make the term valid: the column is one of an entity reachable
     * through the associations, and a qualifier names that entity's table or an association path ({@code manager},
     * {@code account__bank}: the aliases a join gives a table that appears twice).
     */
    private static boolean reachable(Column column, EntityMeta<?> root) {
        List<EntityMeta<?>> entities = new ArrayList<>();
        Set<String> associations = new HashSet<>();
        Set<EntityMeta<?>> seen = new HashSet<>();
        Deque<EntityMeta<?>> todo = new ArrayDeque<>(List.of(root));
        while (!todo.isEmpty()) {
            EntityMeta<?> meta = todo.poll();
            if (seen.add(meta)) {
                entities.add(meta);
                for (Relationship r : meta.relationships()) {
                    associations.add(Naming.snake(r.name()).toLowerCase(Locale.ROOT));
                    todo.add(r.target());
                }
            }
        }
        String qualifier = column.qualifier();
        boolean aliasPath = qualifier != null;
        if (qualifier != null) {
            for (String part : qualifier.toLowerCase(Locale.ROOT).split("__", -1)) {
                aliasPath &= associations.contains(part);
            }
        }
        for (EntityMeta<?> meta : entities) {
            if (meta.property(column.column()) != null
                    && (qualifier == null || aliasPath || qualifier.equalsIgnoreCase(meta.table()))) {
                return true;
            }
        }
        return false;
    }

    private static IllegalArgumentException invalid(String text, String why, EntityMeta<?> root,
            Map<String, EntityMeta<?>> joined) {
        StringJoiner valid = new StringJoiner(", ");
        for (Property p : root.properties()) {
            valid.add(root.table() + "." + p.column());
        }
        for (Map.Entry<String, EntityMeta<?>> table : joined.entrySet()) {
            for (Property p : table.getValue().properties()) {
                valid.add(table.getKey() + "." + p.column());
            }
        }
        return new IllegalArgumentException("orderBy(\"" + (text.length() > 200 ? text.substring(0, 200) + "..." : text)
                + "\") is rejected before any SQL is sent: " + why + ". It takes \"[table.]column [ASC|DESC] "
                + "[NULLS FIRST|LAST], ...\" with these columns (or their Java field names, any case): " + valid
                + "; columns of an association count once it is joined. Ordering by an expression is orderByRaw, "
                + "for trusted SQL only, never for user input");
    }

    /** One part of the order. */
    sealed interface Item permits Column, Raw, PrimaryKey {
    }

    /**
     * A user's column term.
     *
     * @param qualifier the table name or join alias, or {@code null}
     * @param column the column or Java field name
     * @param direction {@code ASC}, {@code DESC}, or {@code null} for the database's default
     * @param nullsFirst {@code true} for {@code NULLS FIRST}, {@code false} for {@code NULLS LAST}, {@code null} for the
     *        database's default
     */
    record Column(@Nullable String qualifier, String column, @Nullable String direction, @Nullable Boolean nullsFirst)
            implements Item {

        String label() {
            return this.qualifier == null ? this.column : this.qualifier + "." + this.column;
        }
    }

    /**
     * Trusted SQL.
     *
     * @param sql the text
     */
    record Raw(String sql) implements Item {
    }

    /**
     * The root's primary key.
     *
     * @param descending greatest first
     */
    record PrimaryKey(boolean descending) implements Item {
    }

    private record Target(String alias, Property property) {
    }
}
