package io.relata.dialect;

import java.util.Objects;

/**
 * A column's database type as the database declares it ({@code character varying(20)}, {@code tinyint(1)},
 * {@code timestamp without time zone}), classified into a {@link Kind} that decides which Java class values of the
 * column are bound as and what they must fit. Made by {@link Dialect#sqlType(String)} from a catalog's declaration
 * or from Relata's own DDL.
 *
 * @param name the declaration as the database reports it, such as {@code numeric(10,2)}
 * @param kind the classification
 * @param length the declared length of a character or binary type, or 0 when unbounded or not applicable
 * @param precision the declared precision of a decimal type, or 0 when not declared
 * @param scale the declared scale of a decimal type, or -1 when not declared
 */
public record SqlType(String name, Kind kind, int length, int precision, int scale) {

    /**
     * Checks the parts.
     *
     * @param name the declaration
     * @param kind the classification
     * @param length the length, or 0
     * @param precision the precision, or 0
     * @param scale the scale, or -1
     */
    public SqlType {
        Objects.requireNonNull(name, "name must not be null");
        Objects.requireNonNull(kind, "kind must not be null");
    }

    /**
     * A type of a kind without declared length, precision or scale.
     *
     * @param name the declaration
     * @param kind the classification
     * @return the type
     */
    public static SqlType of(String name, Kind kind) {
        return new SqlType(name, kind, 0, 0, -1);
    }

    /**
     * The same type without its length, precision and scale, so nothing is checked against them: for values that are
     * not headed to a known column (the arguments of a user's condition).
     *
     * @return the unbounded type
     */
    public SqlType unbounded() {
        return this.length == 0 && this.precision == 0 && this.scale < 0 ? this : of(this.name, this.kind);
    }

    @Override
    public String toString() {
        return this.name;
    }

    /** The classes of column types the three databases use, each bound as one Java class. */
    public enum Kind {
        /** {@code boolean}, MariaDB {@code tinyint(1)} and {@code bit(1)}: {@code Boolean}. */
        BOOLEAN,
        /** {@code tinyint}: {@code Byte}. */
        TINYINT,
        /** {@code smallint}, {@code int2}: {@code Short}. */
        SMALLINT,
        /** {@code integer}, {@code int4}, {@code mediumint}: {@code Integer}. */
        INTEGER,
        /** {@code bigint}, {@code int8}: {@code Long}. */
        BIGINT,
        /** {@code numeric}, {@code decimal}: {@code BigDecimal}. */
        DECIMAL,
        /** {@code real}, {@code float4}, MariaDB {@code float}: {@code Float}. */
        REAL,
        /** {@code double precision}, {@code float8}, {@code double}: {@code Double}. */
        DOUBLE,
        /** {@code char(n)}, {@code character(n)}, {@code bpchar}: {@code String}, blank-padded by the database. */
        CHAR,
        /** {@code varchar(n)}, {@code character varying(n)}: {@code String}. */
        VARCHAR,
        /** {@code text}, {@code clob}, {@code character large object}, {@code longtext}: {@code String}. */
        TEXT,
        /** {@code date}: {@code LocalDate}. */
        DATE,
        /** {@code time} without time zone: {@code LocalTime}. */
        TIME,
        /** {@code timestamp} without time zone, MariaDB {@code datetime}: {@code LocalDateTime}, in Relata's zone. */
        TIMESTAMP,
        /** {@code timestamp with time zone}, {@code timestamptz}: {@code OffsetDateTime}. */
        TIMESTAMP_TZ,
        /** {@code uuid}: {@code UUID} (MariaDB: its text form). */
        UUID,
        /** {@code bytea}, {@code blob}, {@code varbinary}, {@code binary large object}: {@code byte[]}. */
        BINARY,
        /** A MariaDB or H2 {@code enum(...)}: {@code String}. */
        ENUM,
        /** Anything else ({@code jsonb}, {@code interval}, arrays, PostgreSQL enums): bound as the value is. */
        OTHER;

        /**
         * Whether values are whole numbers.
         *
         * @return {@code true} for {@code TINYINT} to {@code BIGINT}
         */
        public boolean integral() {
            return this == TINYINT || this == SMALLINT || this == INTEGER || this == BIGINT;
        }

        /**
         * Whether values are numbers.
         *
         * @return {@code true} for the integral kinds, {@code DECIMAL}, {@code REAL} and {@code DOUBLE}
         */
        public boolean numeric() {
            return integral() || this == DECIMAL || this == REAL || this == DOUBLE;
        }

        /**
         * Whether values are text.
         *
         * @return {@code true} for {@code CHAR}, {@code VARCHAR}, {@code TEXT} and {@code ENUM}
         */
        public boolean textual() {
            return this == CHAR || this == VARCHAR || this == TEXT || this == ENUM;
        }

        /**
         * Whether two columns compare without a cast: both numbers, both text, or the same kind. A foreign key in
         * {@code varchar} matched against a {@code bigint} key is not ({@code operator does not exist: character
         * varying = bigint} on PostgreSQL 15).
         *
         * @param other the other column's kind
         * @return whether {@code a = b} works as it is
         */
        public boolean comparableWith(Kind other) {
            return this == other || (numeric() && other.numeric()) || (textual() && other.textual())
                    || (isTimestamp() && other.isTimestamp());
        }

        private boolean isTimestamp() {
            return this == TIMESTAMP || this == TIMESTAMP_TZ;
        }
    }
}
