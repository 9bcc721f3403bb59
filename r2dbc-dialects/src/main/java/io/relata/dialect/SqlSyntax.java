package io.relata.dialect;

import java.util.Collections;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * The lexical rules of one database's SQL that decide where a string literal, a quoted identifier or a comment
 * starts and ends, and so which {@code ?} is a placeholder and which parenthesis is code. Relata scans users' SQL
 * fragments with these rules: a scanner that reads a fragment differently from the database would let a fragment
 * hide code inside what it took for a literal.
 *
 * <p>What every syntax shares (SQL's standard): {@code '...'} literals with {@code ''} for a quote, {@code "..."}
 * identifiers with {@code ""}, {@code --} line comments and {@code /* ... *}{@code /} block comments. The
 * {@link Feature}s add what a database does beyond that; each was verified against the database and its R2DBC
 * driver (see the constants).
 *
 * @param features the features beyond the standard
 */
public record SqlSyntax(Set<Feature> features) {

    /** SQL's standard rules and nothing more. */
    public static final SqlSyntax STANDARD = new SqlSyntax(Set.of());

    /**
     * Creates a syntax, copying the features.
     *
     * @param features the features beyond the standard
     */
    public SqlSyntax {
        Objects.requireNonNull(features, "features must not be null");
        features = features.isEmpty() ? Set.of() : Collections.unmodifiableSet(EnumSet.copyOf(features));
    }

    /**
     * A syntax with the given features.
     *
     * @param features the features beyond the standard
     * @return the syntax
     */
    public static SqlSyntax of(Feature... features) {
        Set<Feature> set = EnumSet.noneOf(Feature.class);
        Collections.addAll(set, features);
        return new SqlSyntax(set);
    }

    /**
     * Whether the syntax has a feature.
     *
     * @param feature the feature
     * @return {@code true} when it has it
     */
    public boolean has(Feature feature) {
        return this.features.contains(feature);
    }

    /** A lexical rule beyond SQL's standard. */
    public enum Feature {

        /** A backslash in a string literal escapes the next character ({@code 'it\'s'}): MariaDB by default. */
        BACKSLASH_ESCAPES,

        /**
         * Whether a backslash escapes in a literal depends on a setting the session may change
         * ({@code standard_conforming_strings} on PostgreSQL, {@code NO_BACKSLASH_ESCAPES} on MariaDB), so a
         * backslash before a quote inside a literal ends the literal under one setting and not under the other.
         */
        SETTING_DEPENDENT_BACKSLASHES,

        /** {@code "..."} is a string literal (escaped like {@code '...'}), not an identifier: MariaDB. */
        DOUBLE_QUOTED_STRINGS,

        /** {@code `...`} is a quoted identifier, {@code ``} a backquote inside it: MariaDB, and H2 2.4. */
        BACKQUOTED_IDENTIFIERS,

        /** {@code #} starts a line comment: MariaDB. */
        HASH_COMMENTS,

        /** {@code //} starts a line comment: H2. */
        DOUBLE_SLASH_COMMENTS,

        /**
         * {@code --} starts a comment only when a space or control character follows (MariaDB's server reads
         * {@code 1--1} as 2), while the driver takes every {@code --} for a comment (r2dbc-mariadb 1.4.0 finds no
         * placeholder in {@code SELECT 1--?}).
         */
        DASH_DASH_NEEDS_SPACE,

        /**
         * A carriage return ends a {@code --} comment on the server ({@code SELECT 1 -- c\r+1} is 2 on PostgreSQL 15
         * and H2 2.4.240, 1 on MariaDB 10.11), though r2dbc-postgresql 1.1.1's parser reads to the line feed.
         */
        CARRIAGE_RETURN_ENDS_COMMENTS,

        /** Block comments nest ({@code /* /* *}{@code / *}{@code /} is one comment): PostgreSQL and H2. */
        NESTED_BLOCK_COMMENTS,

        /** {@code /*!...*}{@code /} and {@code /*M!...*}{@code /} are code the server runs: MariaDB. */
        EXECUTABLE_COMMENTS,

        /** {@code $$...$$} is a string literal: H2 and PostgreSQL. */
        DOLLAR_QUOTES,

        /** Dollar quotes may carry a tag, {@code $fn$...$fn$}: PostgreSQL. */
        TAGGED_DOLLAR_QUOTES,

        /** {@code E'...'} is a literal with backslash escapes: PostgreSQL. */
        ESCAPE_STRINGS,

        /** {@code $1} outside literals is a parameter marker: PostgreSQL and H2. */
        NUMBERED_PARAMETERS
    }
}
