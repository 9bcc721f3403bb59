package io.relata.dialect;

import io.relata.dialect.SqlType.Kind;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Classifies column declarations as the three catalogs report them (PostgreSQL's {@code format_type}, H2's
 * {@code INFORMATION_SCHEMA.COLUMNS.DATA_TYPE} with its length, MariaDB's {@code COLUMN_TYPE}) and as Relata's own DDL
 * writes them. Names are matched without their parenthesised arguments and modifiers, case-insensitively.
 */
final class SqlTypes {

    private static final Map<String, Kind> KINDS = Map.ofEntries(
            Map.entry("boolean", Kind.BOOLEAN), Map.entry("bool", Kind.BOOLEAN),
            Map.entry("tinyint", Kind.TINYINT),
            Map.entry("smallint", Kind.SMALLINT), Map.entry("int2", Kind.SMALLINT), Map.entry("smallserial", Kind.SMALLINT),
            // MariaDB's YEAR reads as a Short (r2dbc-mariadb 1.4.0).
            Map.entry("year", Kind.SMALLINT),
            Map.entry("integer", Kind.INTEGER), Map.entry("int", Kind.INTEGER), Map.entry("int4", Kind.INTEGER),
            Map.entry("serial", Kind.INTEGER), Map.entry("mediumint", Kind.INTEGER),
            Map.entry("bigint", Kind.BIGINT), Map.entry("int8", Kind.BIGINT), Map.entry("bigserial", Kind.BIGINT),
            Map.entry("numeric", Kind.DECIMAL), Map.entry("decimal", Kind.DECIMAL), Map.entry("dec", Kind.DECIMAL),
            Map.entry("decfloat", Kind.DECIMAL),
            // MariaDB's FLOAT is 4 bytes; PostgreSQL and H2 report theirs as real or double precision.
            Map.entry("real", Kind.REAL), Map.entry("float4", Kind.REAL), Map.entry("float", Kind.REAL),
            Map.entry("double precision", Kind.DOUBLE), Map.entry("double", Kind.DOUBLE), Map.entry("float8", Kind.DOUBLE),
            Map.entry("character", Kind.CHAR), Map.entry("char", Kind.CHAR), Map.entry("bpchar", Kind.CHAR),
            Map.entry("nchar", Kind.CHAR),
            Map.entry("character varying", Kind.VARCHAR), Map.entry("varchar", Kind.VARCHAR),
            Map.entry("nvarchar", Kind.VARCHAR), Map.entry("varchar_ignorecase", Kind.VARCHAR),
            Map.entry("text", Kind.TEXT), Map.entry("tinytext", Kind.TEXT), Map.entry("mediumtext", Kind.TEXT),
            Map.entry("longtext", Kind.TEXT), Map.entry("clob", Kind.TEXT), Map.entry("character large object", Kind.TEXT),
            // PostgreSQL's case-insensitive text extension, common in Rails schemas for e-mail columns.
            Map.entry("citext", Kind.TEXT),
            Map.entry("date", Kind.DATE),
            Map.entry("time", Kind.TIME), Map.entry("time without time zone", Kind.TIME),
            Map.entry("timestamp", Kind.TIMESTAMP), Map.entry("timestamp without time zone", Kind.TIMESTAMP),
            Map.entry("datetime", Kind.TIMESTAMP),
            Map.entry("timestamp with time zone", Kind.TIMESTAMP_TZ), Map.entry("timestamptz", Kind.TIMESTAMP_TZ),
            Map.entry("uuid", Kind.UUID),
            Map.entry("bytea", Kind.BINARY), Map.entry("blob", Kind.BINARY), Map.entry("tinyblob", Kind.BINARY),
            Map.entry("mediumblob", Kind.BINARY), Map.entry("longblob", Kind.BINARY), Map.entry("binary", Kind.BINARY),
            Map.entry("varbinary", Kind.BINARY), Map.entry("binary varying", Kind.BINARY),
            Map.entry("binary large object", Kind.BINARY),
            Map.entry("enum", Kind.ENUM));

    private SqlTypes() {
    }

    /**
     * Classifies a declaration such as {@code character varying(20)}, {@code numeric(10,2)}, {@code tinyint(1)},
     * {@code int(10) unsigned} or {@code timestamp(6) without time zone}.
     *
     * @param declaration the declaration
     * @return the type; {@link Kind#OTHER} when the name is unknown
     */
    static SqlType parse(String declaration) {
        Objects.requireNonNull(declaration, "declaration must not be null");
        String lower = declaration.trim().toLowerCase(Locale.ROOT);
        int open = lower.indexOf('(');
        int close = open < 0 ? -1 : lower.indexOf(')', open);
        String args = open < 0 || close < 0 ? "" : lower.substring(open + 1, close);
        String base = (open < 0 || close < 0 ? lower : lower.substring(0, open) + " " + lower.substring(close + 1))
                .replaceAll("\\s+", " ").trim();
        boolean unsigned = base.endsWith(" unsigned") || base.endsWith(" unsigned zerofill");
        base = base.replace(" unsigned", "").replace(" zerofill", "").replace(" array", "").trim();
        Kind kind = KINDS.getOrDefault(base, Kind.OTHER);
        if (base.endsWith("[]") || lower.endsWith(" array")) {
            kind = Kind.OTHER;
        }
        int first = -1;
        int second = -1;
        if (!args.isEmpty() && kind != Kind.ENUM) {
            String[] parts = args.split(",");
            first = number(parts[0]);
            second = parts.length > 1 ? number(parts[1]) : -1;
        }
        if ((kind == Kind.TINYINT && first == 1 && !unsigned) || (base.equals("bit") && first <= 1)) {
            // MariaDB's BOOLEAN is TINYINT(1), and r2dbc-mariadb 1.4.0 reads TINYINT(1) and BIT(1) as Boolean.
            kind = Kind.BOOLEAN;
        }
        if (unsigned) {
            kind = switch (kind) {
                case TINYINT -> Kind.SMALLINT;
                case SMALLINT -> Kind.INTEGER;
                case INTEGER -> Kind.BIGINT;
                case BIGINT -> Kind.DECIMAL;
                default -> kind;
            };
        }
        String name = declaration.trim();
        return switch (kind) {
            case CHAR, VARCHAR, BINARY -> new SqlType(name, kind, Math.max(0, first), 0, -1);
            case DECIMAL -> new SqlType(name, kind, 0, Math.max(0, first), first < 0 ? -1 : Math.max(0, second));
            default -> SqlType.of(name, kind);
        };
    }

    private static int number(String text) {
        try {
            long value = Long.parseLong(text.trim());
            // H2 reports an unbounded character large object as 2^63 - 1 characters.
            return value > Integer.MAX_VALUE ? 0 : (int) value;
        }
        catch (NumberFormatException ex) {
            return -1;
        }
    }
}
