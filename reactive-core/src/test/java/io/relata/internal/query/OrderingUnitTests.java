package io.relata.internal.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.relata.dialect.Dialect;
import io.relata.dialect.Dialects;
import io.relata.internal.meta.EntityMeta;
import io.relata.internal.meta.Metadata;
import io.relata.internal.sql.SqlBuilder;
import io.relata.tck.EagerLoadingFixtures.CreditCard;
import io.relata.tck.EagerLoadingFixtures.User;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The {@code orderBy} parser: what it accepts, what Relata writes for it on each database, and what it refuses.
 */
class OrderingUnitTests {

    private static final EntityMeta<User> USERS = Metadata.resolved(User.class);

    private static final Map<String, EntityMeta<?>> NO_JOINS = Map.of();

    private static String render(Dialect dialect, String columns, Map<String, EntityMeta<?>> joined) {
        SqlBuilder sql = new SqlBuilder(dialect);
        Ordering.columns(columns, USERS, joined).render(sql, USERS, joined);
        return sql.build().text();
    }

    static Stream<Arguments> accepted() {
        return Stream.of(
                Arguments.of("name", "\"users\".\"name\""),
                Arguments.of("NAME desc", "\"users\".\"name\" DESC"),
                Arguments.of("companyId", "\"users\".\"company_id\""),
                Arguments.of("users.company_id ASC NULLS FIRST", "\"users\".\"company_id\" ASC NULLS FIRST"),
                Arguments.of("  name  DESC ,\tid ", "\"users\".\"name\" DESC, \"users\".\"id\""),
                Arguments.of("Users.Id nulls last", "\"users\".\"id\" NULLS LAST"),
                Arguments.of("createdAt DESC NULLS LAST, id", "\"users\".\"created_at\" DESC NULLS LAST, \"users\".\"id\""));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("accepted")
    void rendersColumnsWithQuotedIdentifiers(String columns, String expected) {
        assertThat(render(Dialects.postgres(), columns, NO_JOINS)).isEqualTo(expected);
    }

    @Test
    void everyDatabaseGetsItsOwnQuotingAndMariaDbSortsOnIsNull() {
        assertThat(render(Dialects.h2(), "name DESC NULLS FIRST", NO_JOINS))
                .isEqualTo("\"USERS\".\"NAME\" DESC NULLS FIRST");
        assertThat(render(Dialects.mariadb(), "name DESC NULLS FIRST, id NULLS LAST", NO_JOINS))
                .isEqualTo("`users`.`name` IS NULL DESC, `users`.`name` DESC, `users`.`id` IS NULL ASC, `users`.`id`");
    }

    @Test
    void joinedTablesGoByTheirNameOrAlias() {
        Map<String, EntityMeta<?>> joined = new LinkedHashMap<>();
        joined.put("credit_cards", Metadata.resolved(CreditCard.class));
        joined.put("manager", USERS);
        assertThat(render(Dialects.postgres(), "credit_cards.number DESC, manager.name, number", joined))
                .isEqualTo("\"credit_cards\".\"number\" DESC, \"manager\".\"name\", \"credit_cards\".\"number\"");
        assertThat(render(Dialects.postgres(), "createdAt", joined))
                .as("the root's own column wins, so this is not ambiguous").isEqualTo("\"users\".\"created_at\"");
    }

    @Test
    void anUnqualifiedColumnOfTwoJoinedTablesIsAmbiguous() {
        Map<String, EntityMeta<?>> joined = new LinkedHashMap<>();
        joined.put("credit_cards", Metadata.resolved(CreditCard.class));
        joined.put("cards2", Metadata.resolved(CreditCard.class));
        assertThatThrownBy(() -> render(Dialects.postgres(), "number", joined))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("qualify it");
    }

    @Test
    void aColumnOfAnAssociationNotJoinedYetWaitsForTheQuery() {
        Ordering order = Ordering.columns("companies.name, manager.name, account__bank.name", USERS, NO_JOINS);
        assertThatThrownBy(() -> order.render(new SqlBuilder(Dialects.postgres()), USERS, NO_JOINS))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("companies.name")
                .hasMessageContaining("users.company_id");
    }

    @ParameterizedTest
    @ValueSource(strings = {"name; DROP TABLE credit_cards; --", "(SELECT 1 FROM pg_sleep(2))", "nmae",
            "companies.nmae", "nobody.name", "name DESC DESC", "name NULLS", "name nulls middle", "LOWER(name)",
            "name COLLATE C", "\"name\"", "1", "users.", ".name", "users..name", "name,", "", " ", "name -- x",
            "name/**/", "users.name\u0000", "name\u00a0DESC"})
    void refusesAnythingElseNamingTheValidColumns(String columns) {
        assertThatThrownBy(() -> Ordering.columns(columns, USERS, NO_JOINS))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("orderBy(")
                .hasMessageContaining("users.name, ")
                .hasMessageContaining("orderByRaw");
    }

    @Test
    void rawAndPrimaryKeyOrdersAreWrittenAsTheyAre() {
        SqlBuilder sql = new SqlBuilder(Dialects.mariadb());
        Ordering.raw("LOWER(name) DESC").thenPrimaryKey().render(sql, USERS, NO_JOINS);
        assertThat(sql.build().text()).isEqualTo("LOWER(name) DESC, `users`.`id`");
        SqlBuilder key = new SqlBuilder(Dialects.h2());
        Ordering.primaryKey(true).render(key, USERS, NO_JOINS);
        assertThat(key.build().text()).isEqualTo("\"USERS\".\"ID\" DESC");
    }
}
