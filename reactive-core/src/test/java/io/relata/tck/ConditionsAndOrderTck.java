package io.relata.tck;

import static org.assertj.core.api.Assertions.assertThat;

import io.relata.dialect.Dialect;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What the checks of issue 9 still let through, working: column orders in every spelling, orders on joined tables,
 * raw orders, question marks where they are not placeholders, and lists after {@code IN} of every size, empty
 * included, with SQL's meaning.
 */
public abstract class ConditionsAndOrderTck extends EagerLoadingFixtures {

    @BeforeEach
    void seedUsers() {
        seed();
        this.statements.clear();
    }

    private List<String> names(List<User> users) {
        return users.stream().map(u -> u.name).toList();
    }

    private String column(String table, String column) {
        Dialect d = this.db.dialect();
        return d.quote(table) + "." + d.quote(column);
    }

    @Test
    void orderByTakesFieldAndColumnNamesInAnyCaseAndPlacesNulls() {
        // company_id: ann 1, bob 1, cid NULL, dan 2, eve 1.
        assertThat(names(awaitAll(users().findAll().orderBy("companyId NULLS FIRST, ID"))))
                .containsExactly("cid", "ann", "bob", "eve", "dan");
        assertThat(names(awaitAll(users().findAll().orderBy("COMPANY_ID desc nulls last, users.id"))))
                .containsExactly("dan", "ann", "bob", "eve", "cid");
        assertThat(names(awaitAll(users().findAll().orderBy("company_id ASC NULLS LAST, id DESC"))))
                .containsExactly("eve", "bob", "ann", "dan", "cid");
        String companyId = column("users", "company_id");
        String expected = this.db.dialect().supportsNullsOrdering()
                ? " ORDER BY " + companyId + " NULLS FIRST, " + column("users", "id")
                : " ORDER BY " + companyId + " IS NULL DESC, " + companyId + ", " + column("users", "id");
        assertThat(this.statements.get(0)).endsWith(expected);
    }

    @Test
    void orderByNamesJoinedTablesByTableNameOrAlias() {
        assertThat(names(awaitAll(users().findAll().joins("company").orderBy("companies.name DESC, users.id"))))
                .as("cid has no company: NULL sorts by the database's rule").contains("dan").hasSize(5);
        assertThat(names(awaitAll(users().findAll().innerJoins("company").orderBy("companies.name DESC, users.id"))))
                .containsExactly("dan", "ann", "bob", "eve");
        // users appears twice: the manager's columns go by the join's alias.
        assertThat(names(awaitAll(users().findAll().innerJoins("manager").orderBy("manager.name DESC, name"))))
                .containsExactly("eve", "cid", "dan", "bob");
        // An unqualified name is the entity's own column first, then the one joined table that has it.
        assertThat(names(awaitAll(users().findAll().innerJoins("creditCard").orderBy("number DESC, name"))))
                .containsExactly("eve", "bob", "bob", "ann");
        assertThat(names(awaitAll(users().findAll().innerJoins("company").orderBy("name DESC"))))
                .containsExactly("eve", "dan", "bob", "ann");
    }

    @Test
    void orderByMayComeBeforeTheJoinItNames() {
        assertThat(names(awaitAll(users().findAll().orderBy("companies.name DESC, id").innerJoins("company"))))
                .containsExactly("dan", "ann", "bob", "eve");
    }

    @Test
    void orderByRawTakesTrustedExpressions() {
        assertThat(names(awaitAll(users().findAll().orderByRaw("LOWER(users.name) DESC"))))
                .containsExactly("eve", "dan", "cid", "bob", "ann");
        assertThat(this.statements.get(0)).endsWith(" ORDER BY LOWER(users.name) DESC");
    }

    @Test
    void aPreloadCustomizerOrdersByTheTargetsColumns() {
        List<User> bob = awaitAll(users().where("name = ?", "bob")
                .preload("creditCard", q -> q.orderBy("number DESC").where("number LIKE ?", "c2%")));
        assertThat(card(bob.get(0))).isEqualTo("c2-a-new");
    }

    @Test
    void questionMarksInLiteralsIdentifiersAndCommentsAreNotPlaceholders() {
        String quotedName = this.db.dialect().quote("name");
        assertThat(names(awaitAll(users().where("name <> '?' AND name = ?", "ann")))).containsExactly("ann");
        assertThat(names(awaitAll(users().where("name = ? -- who?\n", "ann")))).containsExactly("ann");
        assertThat(names(awaitAll(users().where("name = ? /* who? */", "ann")))).containsExactly("ann");
        assertThat(names(awaitAll(users().where("name <> 'it''s ?' AND " + quotedName + " = ?", "ann"))))
                .containsExactly("ann");
        assertThat(names(awaitAll(users().where("(name = ?) OR (name = ?)", "ann", "bob").orderBy("id"))))
                .containsExactly("ann", "bob");
    }

    @Test
    void listsAfterInKeepSqlsMeaning() {
        assertThat(names(awaitAll(users().where("name IN ?", List.of("bob", "ann", "nobody")).orderBy("id"))))
                .containsExactly("ann", "bob");
        assertThat(names(awaitAll(users().where("name NOT IN (?)", List.of("bob", "ann")).orderBy("id"))))
                .containsExactly("cid", "dan", "eve");
        assertThat(awaitAll(users().where("id IN ?", List.of()))).as("IN () matches nothing").isEmpty();
        assertThat(awaitAll(users().where("id NOT IN ?", List.of()))).as("NOT IN () matches everything").hasSize(5);
        assertThat(awaitAll(users().where("company_id NOT IN ?", List.of()))).as("NULL included").hasSize(5);
        // With a NULL in the list, IN matches what equals another value and NOT IN matches nothing, as in SQL.
        assertThat(names(awaitAll(users().where("id IN ?", Arrays.asList(2L, null))))).containsExactly("bob");
        assertThat(awaitAll(users().where("id NOT IN ?", Arrays.asList(2L, null)))).isEmpty();
        assertThat(names(awaitAll(users().where("id IN ?", List.of(1, 2L)).orderBy("id"))))
                .as("mixed integer widths").containsExactly("ann", "bob");
    }

    @Test
    void listsWorkInPreloadAndJoinConditions() {
        Map<String, User> u = byName(awaitAll(users().findAll().preload("creditCard", "number IN ?",
                List.of("c1", "c5"))));
        assertThat(card(u.get("ann"))).isEqualTo("c1");
        assertThat(card(u.get("bob"))).isNull();
        assertThat(card(u.get("eve"))).isEqualTo("c5");
        assertThat(names(awaitAll(users().findAll().innerJoins("creditCard")
                .joins("company", "companies.name NOT IN ?", List.of()).orderBy("users.id, credit_cards.id"))))
                .containsExactly("ann", "bob", "bob", "eve");
    }

    @Test
    void aLongListInAPreloadConditionLeavesRoomForTheKeys() {
        List<String> numbers = new ArrayList<>();
        LongStream.range(0, 3000).forEach(i -> numbers.add("n" + i));
        numbers.add("c2-z-old");
        Map<String, User> u = byName(awaitAll(users().findAll().preload("creditCard", "number IN ?", numbers)));
        assertThat(card(u.get("bob"))).isEqualTo("c2-z-old");
        assertThat(card(u.get("ann"))).isNull();
        assertThat(this.statements).hasSize(2);
    }
}
