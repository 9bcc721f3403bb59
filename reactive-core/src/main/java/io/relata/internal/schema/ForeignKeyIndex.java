package io.relata.internal.schema;

import io.relata.dialect.Dialect;
import io.relata.internal.meta.Property;
import io.relata.internal.meta.Relationship;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The index a foreign key needs, in one place for {@code migrate} (which creates it), the preload warning and
 * {@code validate} (which name the statement that creates it): {@code idx_<table>_<column>} on the foreign-key
 * column, {@code idx_<table>_<type>_<id>} on a polymorphic {@code (owner_type, owner_id)}. Preloads and joins search
 * by it, and PostgreSQL creates no index for a constraint (issue 8: 3.3-7.3 s per preload batch of 1,000 keys over
 * 900,000 rows without one, 5 ms with one).
 */
public final class ForeignKeyIndex {

    /** PostgreSQL's identifier limit (63 bytes); GORM cuts at 64. */
    private static final int MAX_NAME = 63;

    private ForeignKeyIndex() {
    }

    /**
     * The columns to index, in order.
     *
     * @param r a relationship
     * @return the foreign key, preceded by the type column of a polymorphic has-one
     */
    public static List<Property> columns(Relationship r) {
        Property type = r.typeColumn();
        return type != null ? List.of(type, r.foreignKey()) : List.of(r.foreignKey());
    }

    /**
     * The index's name.
     *
     * @param r a relationship
     * @return {@code idx_<table>_<columns>}, shortened as {@link #shorten(String)} does
     */
    public static String name(Relationship r) {
        StringBuilder name = new StringBuilder("idx_").append(r.foreignKeySide().table());
        for (Property p : columns(r)) {
            name.append('_').append(p.column());
        }
        return shorten(name.toString());
    }

    /**
     * Whether an index of a table already serves the foreign key: one starting with the foreign-key column, or, for a
     * polymorphic has-one, with the type column and then the foreign-key column.
     *
     * @param table the foreign-key side's table as read
     * @param dialect the dialect (for stored names)
     * @param r the relationship
     * @return whether such an index exists
     */
    public static boolean exists(TableInfo table, Dialect dialect, Relationship r) {
        List<String> columns = new ArrayList<>();
        for (Property p : columns(r)) {
            columns.add(dialect.storedName(p.column()));
        }
        String key = columns.get(columns.size() - 1);
        return table.hasIndexStartingWith(List.of(key)) || table.hasIndexStartingWith(columns);
    }

    /**
     * The statement that creates the index, for messages that tell how to fix a missing one.
     *
     * @param dialect the dialect
     * @param r the relationship
     * @return {@code CREATE INDEX "idx_..." ON "table" ("column", ...)}
     */
    public static String createStatement(Dialect dialect, Relationship r) {
        StringBuilder sql = new StringBuilder("CREATE INDEX ").append(dialect.quote(name(r))).append(" ON ")
                .append(dialect.quote(r.foreignKeySide().table())).append(" (");
        List<Property> columns = columns(r);
        for (int i = 0; i < columns.size(); i++) {
            sql.append(i == 0 ? "" : ", ").append(dialect.quote(columns.get(i).column()));
        }
        return sql.append(')').toString();
    }

    /**
     * GORM's rule for long names: cut to 55 characters plus 8 hex digits of the name's SHA-1 when longer than the
     * limit ({@code TestParseConstraintNameWithSchemaQualifiedLongTableName}); PostgreSQL's limit is 63.
     *
     * @param name a constraint or index name
     * @return the name, at most 63 characters
     */
    public static String shorten(String name) {
        if (name.length() <= MAX_NAME) {
            return name;
        }
        try {
            byte[] sha = MessageDigest.getInstance("SHA-1").digest(name.getBytes(StandardCharsets.UTF_8));
            return name.substring(0, 55) + HexFormat.of().formatHex(sha).substring(0, 8);
        }
        catch (NoSuchAlgorithmException ex) {
            throw new IllegalStateException("SHA-1 is required of every Java platform", ex);
        }
    }
}
