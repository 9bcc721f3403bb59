package io.relata.internal.load;

import io.r2dbc.spi.Row;
import io.r2dbc.spi.RowMetadata;
import io.relata.dialect.Dialect;
import io.relata.dialect.SqlType;
import io.relata.internal.exec.Binder;
import io.relata.internal.exec.EntityReader;
import io.relata.internal.meta.EntityMeta;
import io.relata.internal.meta.Property;
import io.relata.internal.meta.Relationship;
import io.relata.internal.sql.Fragment;
import io.relata.internal.sql.SqlBuilder;
import io.relata.internal.sql.Statements;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The joins of one query: which tables are joined under which alias, the columns they add to the
 * {@code SELECT} list, and how a row is read back into the owner and its joined associations.
 *
 * <p>A joined table keeps its own name when it appears once in the statement, so a condition can name it
 * ({@code credit_cards.number}); a table that appears more than once (a self-reference, or two paths to one
 * table) is aliased by its path in snake_case ({@code manager}, {@code account__bank}). Joined columns are aliased
 * {@code creditCard__number}, GORM's {@code Rel__col} style.
 *
 * @param <T> the root entity type
 */
public final class JoinPlan<T> {

    private final EntityMeta<T> meta;

    private final List<Node> nodes;

    private final boolean unscoped;

    private final Binder binder;

    private final EntityReader<T> root;

    private JoinPlan(Binder binder, EntityMeta<T> meta, List<Node> nodes, boolean unscoped) {
        this.binder = binder;
        this.root = new EntityReader<>(meta, 0, binder.conversions());
        this.meta = meta;
        this.nodes = nodes;
        this.unscoped = unscoped;
    }

    /**
     * Plans the joins of a query.
     *
     * @param binder the instance's conversions and live schema
     * @param meta the root entity
     * @param specs the {@code joins(...)} calls, in order
     * @param unscoped whether soft-deleted targets are joined too
     * @param <T> the root entity type
     * @return the plan (empty for no joins)
     */
    public static <T> JoinPlan<T> of(Binder binder, EntityMeta<T> meta, List<JoinSpec> specs, boolean unscoped) {
        if (specs.isEmpty()) {
            return new JoinPlan<>(binder, meta, List.of(), unscoped);
        }
        Map<String, Node> byPath = new LinkedHashMap<>();
        for (JoinSpec spec : specs) {
            StringBuilder key = new StringBuilder();
            int parent = -1;
            for (int i = 0; i < spec.path().size(); i++) {
                Relationship r = spec.path().get(i);
                key.append(i == 0 ? "" : ".").append(r.name());
                Node node = byPath.get(key.toString());
                boolean last = i == spec.path().size() - 1;
                if (node == null) {
                    node = new Node(key.toString(), r, parent, spec.inner());
                    byPath.put(key.toString(), node);
                }
                else if (spec.inner()) {
                    node.inner = true;
                }
                if (last && spec.condition() != null) {
                    node.conditions.add(spec.condition());
                }
                parent = new ArrayList<>(byPath.keySet()).indexOf(key.toString());
            }
        }
        List<Node> nodes = new ArrayList<>(byPath.values());
        Map<String, Integer> tableUses = new HashMap<>();
        tableUses.merge(meta.table(), 1, Integer::sum);
        for (Node n : nodes) {
            tableUses.merge(n.relationship.target().table(), 1, Integer::sum);
        }
        int offset = meta.properties().size();
        for (Node n : nodes) {
            String table = n.relationship.target().table();
            n.alias = tableUses.get(table) == 1 ? table : snakePath(n.path);
            n.reader = new EntityReader<>(n.relationship.target(), offset, binder.conversions());
            offset += n.relationship.target().properties().size();
        }
        return new JoinPlan<>(binder, meta, List.copyOf(nodes), unscoped);
    }

    private static String snakePath(String path) {
        StringBuilder out = new StringBuilder();
        for (String part : path.split("\\.")) {
            out.append(out.length() == 0 ? "" : "__").append(io.relata.internal.meta.Naming.snake(part));
        }
        return out.toString();
    }

    /**
     * The tables this plan joins, whose live column types the {@code ON} clauses depend on.
     *
     * @return the root's table and every joined table
     */
    public List<String> tables() {
        List<String> tables = new ArrayList<>(this.nodes.size() + 1);
        tables.add(this.meta.table());
        for (Node n : this.nodes) {
            tables.add(n.relationship.target().table());
        }
        return tables;
    }

    /**
     * The joined tables by the name the statement gives them (the table's own name, or the alias of a table that
     * appears more than once), in join order: what a qualified column in {@code orderBy} may name.
     *
     * @return the joined entities by table name or alias
     */
    public Map<String, EntityMeta<?>> joinedTables() {
        Map<String, EntityMeta<?>> tables = new LinkedHashMap<>();
        for (Node n : this.nodes) {
            tables.put(n.alias, n.relationship.target());
        }
        return tables;
    }

    /** @return whether there is nothing to join */
    public boolean isEmpty() {
        return this.nodes.isEmpty();
    }

    /**
     * Appends {@code , "alias"."col" AS "path__col"} for every joined column.
     *
     * @param sql the builder
     */
    public void renderColumns(SqlBuilder sql) {
        for (Node n : this.nodes) {
            String prefix = n.path.replace(".", "__") + "__";
            for (Property p : n.relationship.target().properties()) {
                sql.sql(", ").column(n.alias, p.column()).sql(" AS ")
                        .sql(sql.dialect().columnAlias(prefix + p.column()));
            }
        }
    }

    /**
     * Appends the {@code LEFT JOIN}/{@code INNER JOIN} clauses with their {@code ON} conditions: the key match,
     * the polymorphic type, the soft-delete scope of the target, then the user's condition.
     *
     * @param sql the builder
     */
    public void renderJoins(SqlBuilder sql) {
        for (Node n : this.nodes) {
            Relationship r = n.relationship;
            EntityMeta<?> target = r.target();
            String parentAlias = n.parent < 0 ? this.meta.table() : this.nodes.get(n.parent).alias;
            sql.sql(n.inner ? " INNER JOIN " : " LEFT JOIN ").id(target.table());
            if (!n.alias.equals(target.table())) {
                sql.sql(" ").id(n.alias);
            }
            sql.sql(" ON ");
            keyMatch(sql, r, r.hasOne() ? n.alias : parentAlias, r.hasOne() ? parentAlias : n.alias);
            Statements.polymorphicType(sql, r, n.alias);
            Statements.softDeleteScope(sql, target, n.alias, this.unscoped, " AND ");
            for (Fragment f : n.conditions) {
                sql.sql(" AND (").fragment(f).sql(")");
            }
        }
    }

    /**
     * {@code fk = referenced}, with a cast where the live columns' types cannot be compared as they are (a
     * {@code varchar} foreign key holding a {@code bigint} key's values: PostgreSQL fails with "operator does not
     * exist: character varying = bigint"). The side that is not text is cast to text, so no row's text has to parse
     * as a number and an index on the text column stays usable; between other families the referenced key is cast
     * to the foreign key's type.
     */
    private void keyMatch(SqlBuilder sql, Relationship r, String foreignKeyAlias, String referencedAlias) {
        Dialect dialect = sql.dialect();
        SqlType fkType = this.binder.catalog().columnType(r.foreignKey());
        SqlType refType = this.binder.catalog().columnType(r.references());
        String fk = dialect.quote(foreignKeyAlias) + "." + dialect.quote(r.foreignKey().column());
        String ref = dialect.quote(referencedAlias) + "." + dialect.quote(r.references().column());
        if (!fkType.kind().comparableWith(refType.kind())) {
            if (refType.kind().textual()) {
                fk = dialect.cast(fk, refType);
            }
            else {
                ref = dialect.cast(ref, fkType);
            }
        }
        sql.sql(fk).sql(" = ").sql(ref);
    }

    /**
     * Reads one row: the root entity, then every joined entity, attached to its parent. A joined entity whose
     * primary key is {@code NULL} did not match and is left {@code null}.
     *
     * @param row the row
     * @param metadata its metadata
     * @return the root entity
     */
    public T read(Row row, RowMetadata metadata) {
        T root = this.root.read(row, metadata);
        if (this.nodes.isEmpty()) {
            return root;
        }
        if (this.nodes.size() == 1) {
            // the common case, one joined association: no array of parents per row
            Node n = this.nodes.get(0);
            n.relationship.set(root, n.reader.readJoined(row, metadata));
            return root;
        }
        Object[] read = new Object[this.nodes.size()];
        for (int i = 0; i < this.nodes.size(); i++) {
            Node n = this.nodes.get(i);
            Object parent = n.parent < 0 ? root : read[n.parent];
            if (parent == null) {
                continue;
            }
            Object value = n.reader.readJoined(row, metadata);
            n.relationship.set(parent, value);
            read[i] = value;
        }
        return root;
    }

    private static final class Node {

        final String path;

        final Relationship relationship;

        final int parent;

        final List<Fragment> conditions = new ArrayList<>();

        boolean inner;

        String alias = "";

        @Nullable EntityReader<?> reader;

        Node(String path, Relationship relationship, int parent, boolean inner) {
            this.path = path;
            this.relationship = relationship;
            this.parent = parent;
            this.inner = inner;
        }

        @Override
        public String toString() {
            return this.path + " AS " + this.alias + (this.conditions.isEmpty() ? "" : " " + this.conditions)
                    + (this.inner ? " (inner)" : "") + (this.parent >= 0 ? " under #" + this.parent : "");
        }
    }

    @Override
    public String toString() {
        return "JoinPlan" + this.nodes;
    }
}
