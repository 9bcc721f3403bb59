package io.relata.internal.schema;

import static org.assertj.core.api.Assertions.assertThat;

import io.relata.dialect.Dialect;
import io.relata.dialect.Dialects;
import io.relata.dialect.SqlType;
import io.relata.internal.meta.EntityMeta;
import io.relata.internal.meta.Metadata;
import io.relata.internal.sql.Sql;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;

/**
 * The catalog assembled from the rows of the dialects' three queries, without a database: what the queries return
 * on each database is covered by the brownfield suites.
 */
class CatalogUnitTests {

    static class Card {
        Long id;
        Long userId;
        String number;
    }

    /** Answers the three catalog queries with fixed rows and records what was asked. */
    static final class Answers implements Function<Sql, Flux<@Nullable Object[]>> {

        final List<String> asked = new ArrayList<>();

        final List<Object[]> columns;

        final List<Object[]> indexes;

        final List<Object[]> keys;

        Answers(List<Object[]> columns, List<Object[]> indexes, List<Object[]> keys) {
            this.columns = columns;
            this.indexes = indexes;
            this.keys = keys;
        }

        @Override
        public Flux<@Nullable Object[]> apply(Sql sql) {
            this.asked.add(sql.text());
            String text = sql.text().toUpperCase(java.util.Locale.ROOT);
            List<Object[]> rows = text.contains("CONSTRAINT") ? this.keys
                    : text.contains("INDEX") || text.contains("STATISTICS") ? this.indexes : this.columns;
            return Flux.<@Nullable Object[]>fromIterable(rows);
        }
    }

    private static Answers mariaDbCards() {
        return new Answers(
                List.<Object[]>of(new Object[] {"Cards", "ID", "bigint(20)", "NO"},
                        new Object[] {"Cards", "user_id", "int(11)", "YES"},
                        new Object[] {"Cards", "number", "varchar(19)", "YES"}),
                List.<Object[]>of(new Object[] {"Cards", "PRIMARY", "ID", 1L, "YES"},
                        new Object[] {"Cards", "by_user", "user_id", 1L, "NO"},
                        new Object[] {"Cards", "by_user", "number", 2L, "NO"}),
                List.<Object[]>of(new Object[] {"Cards", "cards_user", "user_id", 1L, "users", "id"}));
    }

    @Test
    void tablesAreReadOnceWithTheirColumnsIndexesAndForeignKeys() {
        Dialect maria = Dialects.mariadb();
        Catalog catalog = new Catalog(maria);
        Answers answers = mariaDbCards();

        catalog.load(List.of("cards"), answers).block();
        catalog.load(List.of("cards"), answers).block();

        assertThat(answers.asked).as("one reading: three queries, once").hasSize(3);
        assertThat(catalog.unread(List.of("cards", "users", "users"))).containsExactly("users");
        TableInfo cards = catalog.table("cards");
        assertThat(cards).isNotNull();
        assertThat(cards.column("USER_ID").type()).isEqualTo(new SqlType("int(11)", SqlType.Kind.INTEGER, 0, 0, -1));
        assertThat(cards.column("number").type().length()).isEqualTo(19);
        assertThat(cards.hasIndexStartingWith(List.of("user_id"))).isTrue();
        assertThat(cards.hasIndexStartingWith(List.of("number"))).as("number is second in by_user").isFalse();
        assertThat(cards.foreignKey(List.of("USER_ID"), "users", List.of("id"))).isNotNull()
                .extracting(ForeignKeyInfo::name).isEqualTo("cards_user");
        EntityMeta<Card> meta = Metadata.of(Card.class);
        assertThat(catalog.columnType(meta.requireProperty("userId")).kind()).isEqualTo(SqlType.Kind.INTEGER);
    }

    @Test
    void anAbsentTableIsRememberedAndItsColumnsTakeTheTypesMigrateGives() {
        Dialect pg = Dialects.postgres();
        Catalog catalog = new Catalog(pg);
        Answers nothing = new Answers(List.of(), List.of(), List.of());

        catalog.load(List.of("cards"), nothing).block();
        catalog.load(List.of("cards"), nothing).block();

        assertThat(nothing.asked).hasSize(3);
        assertThat(catalog.table("cards")).isNull();
        EntityMeta<Card> meta = Metadata.of(Card.class);
        assertThat(catalog.columnType(meta.requireProperty("userId")).kind()).isEqualTo(SqlType.Kind.BIGINT);
        assertThat(catalog.columnType(meta.requireProperty("number"))).isEqualTo(pg.sqlType(String.class));

        catalog.refresh(List.of("cards"), mariaDbCards()).block();
        assertThat(catalog.table("cards")).as("names match exactly on PostgreSQL").isNull();
    }

    @Test
    void h2NamesAreLookedUpAsH2StoresThem() {
        Catalog catalog = new Catalog(Dialects.h2());
        Answers answers = new Answers(
                List.<Object[]>of(new Object[] {"CARDS", "ID", "BIGINT", "NO"}, new Object[] {"CARDS", "USER_ID", "BIGINT", "YES"},
                        new Object[] {"LegacyPeople", "personId", "BIGINT", "NO"}),
                List.of(), List.of());

        catalog.load(List.of("cards", "LegacyPeople"), answers).block();

        assertThat(catalog.table("cards").column("USER_ID")).isNotNull();
        assertThat(catalog.table("LegacyPeople").column("personId")).isNotNull();
        assertThat(catalog.table("LegacyPeople").column("PERSONID")).as("a quoted name keeps its case").isNull();
        assertThat(catalog.firstWarning("index:cards.user_id")).isTrue();
        assertThat(catalog.firstWarning("index:cards.user_id")).isFalse();
    }
}
