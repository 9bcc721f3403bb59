package io.relata.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.relata.Query;
import io.relata.dialect.SqlSyntax.Feature;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 9, tried as an attacker would: every input here reaches Relata the way a request parameter reaches a WebFlux
 * handler. Each attack must be an {@link IllegalArgumentException} before any SQL: the statement log stays empty,
 * and the JDBC side channel shows every table and row still there.
 */
public abstract class HostileInputTck extends EagerLoadingFixtures {

    private static final long USERS = 6;

    private static final long CARDS = 5;

    @BeforeEach
    void seedWithASoftDeletedUser() {
        seed();
        this.jdbc.update("INSERT INTO users (id, name, company_id, manager_id, deleted_at) VALUES (6, 'zed', 1, 1, ?)",
                java.sql.Timestamp.valueOf("2024-01-01 00:00:00"));
        this.statements.clear();
    }

    /** Runs an attack and checks it was refused before any statement and that nothing was touched. */
    private void rejectedBeforeSql(ThrowingCallable attack, String... messageParts) {
        this.statements.clear();
        var thrown = assertThatThrownBy(attack).isInstanceOf(IllegalArgumentException.class);
        for (String part : messageParts) {
            thrown.hasMessageContaining(part);
        }
        assertThat(this.statements).as("statements sent").isEmpty();
        assertThat(this.jdbc.tables()).contains("users", "credit_cards", "companies");
        assertThat(this.jdbc.count("SELECT COUNT(*) FROM users")).isEqualTo(USERS);
        assertThat(this.jdbc.count("SELECT COUNT(*) FROM credit_cards")).isEqualTo(CARDS);
    }

    @Test
    void orderByRefusesAStatementSeparator() {
        // On H2 this dropped the table (issue 9).
        rejectedBeforeSql(() -> users().findAll().orderBy("name; DROP TABLE credit_cards; --"),
                "orderBy", "users.name");
    }

    @Test
    void orderByRefusesASubquery() {
        // On PostgreSQL this slept: a time-based injection (issue 9).
        rejectedBeforeSql(() -> users().findAll().orderBy("(SELECT 1 FROM pg_sleep(2))"), "not a column name");
    }

    @Test
    void orderByRefusesAMisspelledColumnNamingTheValidOnes() {
        rejectedBeforeSql(() -> users().findAll().orderBy("nmae DESC"), "no column 'nmae'", "users.name",
                "users.company_id");
        rejectedBeforeSql(() -> users().findAll().joins("company").orderBy("companies.nmae"), "companies.name");
    }

    @Test
    void orderByRefusesEverythingButAColumnList() {
        List<String> attacks = List.of("name DESC; DELETE FROM users", "name -- comment", "name /* c */",
                "CASE WHEN (SELECT COUNT(*) FROM credit_cards) > 0 THEN name END", "1", "name ASC DESC",
                "name NULLS", "name NULLS SOMETIMES", "LOWER(name)", "users.name, (SELECT number FROM credit_cards)",
                "name COLLATE \"C\"", "\"name\"", "`name`", "users.name.x", "", "  ", "name,", ", name",
                "name DESC LIMIT 1", "name; SELECT pg_sleep(2)", "users.*", "users.name\u0000");
        for (String attack : attacks) {
            rejectedBeforeSql(() -> users().findAll().orderBy(attack), "orderBy");
        }
    }

    @Test
    void orderByOnAColumnNoJoinedTableHasFailsTheQueryBeforeSql() {
        // manager is an association, so the alias is checked only when the query runs: it was never joined.
        Query<User> query = users().findAll().orderBy("manager.name");
        rejectedBeforeSql(() -> awaitAll(query), "manager.name");
        assertThat(awaitAll(users().findAll().orderBy("manager.name").joins("manager"))).hasSize(5);
    }

    @Test
    void aPreloadCustomizersOrderIsCheckedAgainstTheTargetEntity() {
        // name is a users column, not a credit_cards one.
        rejectedBeforeSql(() -> awaitAll(users().findAll().preload("creditCard", q -> q.orderBy("name"))),
                "credit_cards.number");
    }

    @Test
    void aConditionCannotCloseRelatasParenthesis() {
        // This returned the soft-deleted user (issue 9).
        rejectedBeforeSql(() -> users().where("1=1) OR (1=1"), "closes a parenthesis");
        rejectedBeforeSql(() -> users().findAll().where("name = ?) OR (1=1", "x"), "closes a parenthesis");
    }

    @Test
    void aConditionCannotEscapeItsParenthesesAnyOtherWay() {
        List<String> attacks = List.of(
                "name = 'x' -- swallows the parenthesis",
                "name = 'x' /* swallows the rest",
                "name = 'x'; DELETE FROM credit_cards",
                "name = 'unterminated",
                "(name = 'x'",
                "name = \"unterminated",
                "name = 'x\\' OR 1=1) OR (1=1 -- '",
                "name = 'x' # ) OR (1=1",
                "name = 'x' // ) OR (1=1");
        for (String attack : attacks) {
            rejectedBeforeSql(() -> users().where(attack), "condition");
            rejectedBeforeSql(() -> users().findAll().preload("creditCard", attack), "condition");
            rejectedBeforeSql(() -> users().findAll().joins("creditCard", attack), "condition");
        }
    }

    @Test
    void theDatabasesOwnQuotingRulesDecide() {
        // PostgreSQL ends a -- comment at a carriage return, r2dbc-postgresql at the line feed.
        if (this.db.dialect().syntax().has(Feature.CARRIAGE_RETURN_ENDS_COMMENTS)) {
            rejectedBeforeSql(() -> users().where("name = 'x' --\r) OR (1=1\n"), "carriage return");
        }
        // Backslash escapes depend on a setting (standard_conforming_strings, NO_BACKSLASH_ESCAPES).
        if (this.db.dialect().syntax().has(Feature.SETTING_DEPENDENT_BACKSLASHES)) {
            rejectedBeforeSql(() -> users().where("name = 'it\\'s' OR name = ?", "ann"), "backslash");
        }
        if (this.db.dialect().syntax().has(Feature.EXECUTABLE_COMMENTS)) {
            rejectedBeforeSql(() -> users().where("name = 'x' /*! OR 1=1 */"), "/*!");
        }
        if (this.db.dialect().syntax().has(Feature.DOLLAR_QUOTES)) {
            // A literal to PostgreSQL and H2: harmless, and not a placeholder.
            assertThat(awaitAll(users().where("name <> $$?) OR (1=1$$ AND name = ?", "ann"))).hasSize(1);
        }
        else {
            rejectedBeforeSql(() -> users().where("name <> $$?) OR (1=1$$ AND name = ?", "ann", "x"), "parenthesis");
        }
    }

    @Test
    void placeholdersThatWouldRunIntoRelatasMarkerAreRefused() {
        rejectedBeforeSql(() -> users().where("id = ?1", 1L), "digit");
        rejectedBeforeSql(() -> this.db.exec("UPDATE users SET name = ?2 WHERE id = ?", "x", 1L), "statement");
        if (this.db.dialect().syntax().has(Feature.NUMBERED_PARAMETERS)) {
            rejectedBeforeSql(() -> users().where("id = $1"), "$1");
        }
    }

    @Test
    void execCallsItsTextAStatement() {
        rejectedBeforeSql(() -> this.db.exec("UPDATE users SET name = ? WHERE id = ?", "x"),
                "The statement \"UPDATE users SET name = ? WHERE id = ?\" has 2 placeholders but 1 argument");
        // A whole statement is raw: no parentheses to keep, but its comments still hide question marks.
        assertThat(await(this.db.exec("UPDATE users SET name = ? WHERE id = ? -- who? why?\n", "ann2", 1L)))
                .isEqualTo(1L);
        assertThat(this.jdbc.single("SELECT name FROM users WHERE id = 1")).isEqualTo("ann2");
    }

    @Test
    void aHundredThousandValuesInAListWork() {
        List<Long> ids = new ArrayList<>(LongStream.rangeClosed(1000, 100_998).boxed().toList());
        ids.add(1L);
        ids.add(3L);
        ids.add(6L);
        List<User> found = awaitAll(users().where("id IN ?", ids).orderBy("id"));
        assertThat(found).extracting(u -> u.name).containsExactly("ann", "cid");
        assertThat(statementsStartingWith("SELECT")).hasSize(1);
        if (this.db.dialect().supportsArrayKeySet()) {
            // One array bind: 100,000 binds failed with "invalid message format" after the statement was sent.
            assertThat(this.statements.get(0)).contains("= ANY($1)");
        }
        this.statements.clear();
        List<User> others = awaitAll(users().where("users.id NOT IN ?", ids).orderBy("id"));
        assertThat(others).extracting(u -> u.name).containsExactly("bob", "dan", "eve");
        assertThat(await(this.db.exec("UPDATE users SET company_id = ? WHERE id IN ?", 2L, ids))).isEqualTo(3L);
        assertThat(this.jdbc.count("SELECT COUNT(*) FROM users WHERE company_id = 2")).isEqualTo(4);
    }
}
