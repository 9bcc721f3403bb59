package io.relata.internal.sql;

import io.relata.dialect.Dialect;
import io.relata.dialect.KeySetCondition;
import io.relata.internal.meta.Property;
import io.relata.internal.meta.Types;
import io.relata.internal.sql.Scan.Placeholder;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Renders a statement into text and binds. Values only ever enter the statement through {@link #bind}: the
 * dialect writes the placeholder, so nothing a user passes is spliced into SQL; identifiers go through
 * {@link #id(String)}, which the dialect quotes.
 */
public final class SqlBuilder {

    private final Dialect dialect;

    private final ZoneId zone;

    private final StringBuilder text = new StringBuilder(128);

    private final List<Bind> binds = new ArrayList<>();

    /**
     * Creates an empty builder.
     *
     * @param dialect the dialect that writes placeholders and quotes identifiers
     */
    public SqlBuilder(Dialect dialect) {
        this(dialect, ZoneOffset.UTC);
    }

    /**
     * Creates an empty builder for statements that may carry a list after {@code IN}, whose values are converted for
     * the driver here (PostgreSQL binds them as one typed array) rather than when sent.
     *
     * @param dialect the dialect that writes placeholders and quotes identifiers
     * @param zone the zone {@code timestamp without time zone} values are wall times in
     */
    public SqlBuilder(Dialect dialect, ZoneId zone) {
        this.dialect = dialect;
        this.zone = zone;
    }

    /** @return the dialect */
    public Dialect dialect() {
        return this.dialect;
    }

    /**
     * Appends SQL text written by Relata (never user values).
     *
     * @param sql the text
     * @return this builder
     */
    public SqlBuilder sql(String sql) {
        this.text.append(sql);
        return this;
    }

    /**
     * Appends a quoted identifier.
     *
     * @param identifier the unquoted identifier
     * @return this builder
     */
    public SqlBuilder id(String identifier) {
        this.text.append(this.dialect.quote(identifier));
        return this;
    }

    /**
     * Appends a quoted, qualified column {@code "table"."column"}.
     *
     * @param table the table or alias
     * @param column the column
     * @return this builder
     */
    public SqlBuilder column(String table, String column) {
        this.text.append(this.dialect.quote(table)).append('.').append(this.dialect.quote(column));
        return this;
    }

    /**
     * Appends a placeholder and binds a value headed to no mapped column; it is converted to {@code type} now
     * (exactly, or an {@link IllegalArgumentException}) and for the driver when the statement is sent.
     *
     * @param value the Java value, or {@code null}
     * @param type the Java type to convert to (and to bind {@code NULL} as)
     * @return this builder
     */
    public SqlBuilder bind(@Nullable Object value, Class<?> type) {
        this.text.append(this.dialect.placeholder(this.binds.size()));
        this.binds.add(toBind(value, type));
        return this;
    }

    /**
     * Appends a placeholder and binds a value headed to a mapped column, converted for the column's real type (from
     * the live schema) when the statement is sent.
     *
     * @param value the field's value, or a key of the column's type, or {@code null}
     * @param column the column
     * @return this builder
     */
    public SqlBuilder bind(@Nullable Object value, Property column) {
        this.text.append(this.dialect.placeholder(this.binds.size()));
        this.binds.add(Bind.column(value, column));
        return this;
    }

    /**
     * Appends a placeholder bound to a value already converted for the driver (such as a typed key array).
     *
     * @param driverValue the value to bind as-is
     * @return this builder
     */
    public SqlBuilder bindRaw(Object driverValue) {
        this.text.append(this.dialect.placeholder(this.binds.size()));
        this.binds.add(new Bind(driverValue, driverValue.getClass()));
        return this;
    }

    private static Bind toBind(@Nullable Object value, Class<?> type) {
        Class<?> boxed = Types.boxed(type);
        if (value == null || boxed.isInstance(value) || boxed == Object.class) {
            return Bind.value(value, boxed);
        }
        return Bind.value(Types.convert(value, boxed), boxed);
    }

    /**
     * Appends a fragment, turning each of its placeholders into the dialect's marker bound to the next argument. A
     * collection after {@code IN} or {@code NOT IN} is rendered by the dialect ({@link Dialect#inList}); any other
     * collection expands to a parenthesised list.
     *
     * @param fragment the checked fragment
     * @return this builder
     * @throws IllegalArgumentException when the fragment is rejected under this dialect's syntax (a fragment made
     *         without a dialect is checked here), or a list does not fit in the statement's binds
     */
    public SqlBuilder fragment(Fragment fragment) {
        List<Placeholder> placeholders = fragment.placeholders(this.dialect.syntax());
        String sql = fragment.sql();
        List<?> args = fragment.args();
        int position = 0;
        for (int k = 0; k < placeholders.size(); k++) {
            Placeholder p = placeholders.get(k);
            Object arg = args.get(k);
            if (p.inList() && arg instanceof Collection<?> values && flat(values)) {
                this.text.append(sql, position, p.listStart());
                inList(values, p.negated());
                position = p.listEnd();
            }
            else {
                this.text.append(sql, position, p.offset());
                bindArgument(arg);
                position = p.offset() + 1;
            }
        }
        this.text.append(sql, position, sql.length());
        return this;
    }

    /** Whether a collection holds plain values (not lists of tuples, not Relata's own binds). */
    private static boolean flat(Collection<?> values) {
        for (Object v : values) {
            if (v instanceof Collection<?> || v instanceof Bind) {
                return false;
            }
        }
        return true;
    }

    /**
     * Replaces {@code [NOT] IN ?} by the dialect's rendering of the list: one array on PostgreSQL, so a list of any
     * size is one bind (65,536 binds fail there with "invalid message format", issue 9).
     */
    private void inList(Collection<?> values, boolean negated) {
        List<@Nullable Object> converted = new ArrayList<>(values.size());
        for (Object v : values) {
            converted.add(v == null ? null : this.dialect.toDatabase(v, this.zone));
        }
        KeySetCondition list = this.dialect.inList(converted, negated, this.dialect.maxBindParameters() - this.binds.size());
        String sql = list.sql();
        int bind = 0;
        int from = 0;
        for (int at = sql.indexOf('?'); at >= 0; at = sql.indexOf('?', from)) {
            this.text.append(sql, from, at).append(this.dialect.placeholder(this.binds.size()));
            Object value = list.binds().get(bind++);
            this.binds.add(value == null ? new Bind(null, this.dialect.nullBindType(String.class))
                    : new Bind(value, value.getClass()));
            from = at + 1;
        }
        this.text.append(sql, from, sql.length());
    }

    private void bindArgument(@Nullable Object arg) {
        if (arg instanceof Collection<?> values) {
            if (values.size() > this.dialect.maxBindParameters() - this.binds.size()) {
                throw new IllegalArgumentException("A list of " + values.size() + " values outside IN ? needs one bind "
                        + "each, more than a " + this.dialect.name() + " statement has room for; bind it after IN");
            }
            this.text.append('(');
            if (values.isEmpty()) {
                this.text.append("NULL");
            }
            int i = 0;
            for (Object v : values) {
                if (i++ > 0) {
                    this.text.append(", ");
                }
                bindArgument(v);
            }
            this.text.append(')');
            return;
        }
        if (arg == null) {
            // The type of an untyped NULL does not matter to the drivers; String binds as an untyped NULL.
            bind(null, String.class);
        }
        else if (arg instanceof Bind b) {
            this.text.append(this.dialect.placeholder(this.binds.size()));
            this.binds.add(b);
        }
        else {
            bind(arg, arg.getClass().isEnum() || arg instanceof Enum<?> ? String.class : arg.getClass());
        }
    }

    /** @return the length of the text so far */
    public int length() {
        return this.text.length();
    }

    /** @return the number of binds so far */
    public int bindCount() {
        return this.binds.size();
    }

    /** @return the rendered statement */
    public Sql build() {
        return new Sql(this.text.toString(), this.binds);
    }
}
