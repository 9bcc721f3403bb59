package io.relata.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Joins conformance: one statement, aliases per path, ON-clause conditions and soft-delete scope, inner joins,
 * nested to-one chains, polymorphic routing, qualified column names, bad paths; run on every database.
 */
public abstract class JoinsTck extends EagerLoadingFixtures {

    @Test
    void joinsHasOneInOneStatement() {
        seed();
        List<User> users = awaitAll(users().findAll().joins("creditCard").orderBy("users.id, credit_cards.id"));
        // SQL's one row per match: bob has two live cards and comes twice (DESIGN.md).
        assertThat(users).extracting(u -> u.name).containsExactly("ann", "bob", "bob", "cid", "dan", "eve");
        assertThat(users).extracting(EagerLoadingFixtures::card)
                .containsExactly("c1", "c2-z-old", "c2-a-new", null, null, "c5");
        User eve = users.get(5);
        assertThat(eve.creditCard.userId).isEqualTo(5L);
        assertThat(eve.creditCard.getId()).isEqualTo(5L);
        assertThat(eve.creditCard.getDeletedAt()).isNull();
        assertThat(this.statements).hasSize(1);
        String sql = this.statements.get(0);
        assertThat(sql).containsPattern("(?i)LEFT JOIN [\"`]?credit_cards[\"`]? ON");
        assertThat(sql).containsPattern("(?i)AS [\"`]?creditCard__number[\"`]?");
        assertThat(sql).as("soft-delete scope in the ON clause")
                .containsPattern("(?i)ON .*credit_cards[\"`]?\\.[\"`]?deleted_at[\"`]? IS NULL.* WHERE");
    }

    @Test
    void joinsBelongsToGivesNullWithoutMatch() {
        seed();
        List<User> users = awaitAll(users().findAll().joins("company").orderBy("users.id"));
        Map<String, User> u = byName(users);
        assertThat(users).hasSize(5);
        assertThat(u.get("ann").company.name).isEqualTo("acme");
        assertThat(u.get("ann").company.id).isEqualTo(1L);
        assertThat(u.get("dan").company.name).isEqualTo("globex");
        assertThat(u.get("cid").company).isNull();
        assertThat(u.get("ann").creditCard).as("not joined").isNull();
        assertThat(this.statements).hasSize(1);
        assertThat(this.statements.get(0)).containsPattern("(?i)AS [\"`]?company__name[\"`]?");
    }

    @Test
    void joinsNestedChain() {
        seed();
        List<User> users = awaitAll(users().findAll().joins("account.bank").orderBy("users.id"));
        Map<String, User> u = byName(users);
        assertThat(u.get("ann").account.number).isEqualTo("a1");
        assertThat(u.get("ann").account.bank.name).isEqualTo("bank-a");
        assertThat(u.get("bob").account.bank.name).isEqualTo("bank-b");
        assertThat(u.get("dan").account.bank.name).isEqualTo("bank-a");
        assertThat(u.get("cid").account).isNull();
        assertThat(u.get("eve").account).as("soft-deleted account is no match, so no bank either").isNull();
        assertThat(this.statements).hasSize(1);
        assertThat(this.statements.get(0)).containsPattern("(?i)LEFT JOIN [\"`]?accounts[\"`]? ON")
                .containsPattern("(?i)LEFT JOIN [\"`]?banks[\"`]? ON")
                .containsPattern("(?i)AS [\"`]?account__bank__name[\"`]?");
    }

    @Test
    void joinsSelfReferenceUsesPathAliases() {
        seed();
        List<User> users = awaitAll(users().findAll().joins("manager.manager").orderBy("users.id"));
        Map<String, User> u = byName(users);
        assertThat(u.get("ann").manager).isNull();
        assertThat(u.get("bob").manager.name).isEqualTo("ann");
        assertThat(u.get("bob").manager.manager).isNull();
        assertThat(u.get("eve").manager.name).isEqualTo("cid");
        assertThat(u.get("eve").manager.manager.name).isEqualTo("bob");
        assertThat(this.statements.get(0)).containsPattern("(?i)LEFT JOIN [\"`]?users[\"`]? [\"`]?manager[\"`]? ON")
                .containsPattern("(?i)LEFT JOIN [\"`]?users[\"`]? [\"`]?manager__manager[\"`]? ON");
        List<User> byManager = awaitAll(users().findAll().joins("manager").where("manager.name = ?", "bob")
                .orderBy("users.name"));
        assertThat(byManager).extracting(x -> x.name).containsExactly("cid", "dan");
    }

    @Test
    void joinsConditionGoesIntoTheOnClause() {
        seed();
        List<User> users = awaitAll(users().findAll().joins("creditCard", "credit_cards.number = ?", "c1")
                .orderBy("users.id"));
        assertThat(users).as("a LEFT JOIN keeps every owner").hasSize(5);
        assertThat(users).extracting(EagerLoadingFixtures::card).containsExactly("c1", null, null, null, null);
        String evil = "x'; DROP TABLE users; --";
        assertThat(awaitAll(users().findAll().joins("creditCard", "credit_cards.number = ?", evil)))
                .hasSize(5).allSatisfy(x -> assertThat(x.creditCard).isNull());
        assertThat(this.jdbc.count("SELECT COUNT(*) FROM users")).isEqualTo(5);
        assertThat(this.statements).hasSize(2).noneMatch(s -> s.contains("DROP"));
    }

    @Test
    void innerJoinsDropsOwnersWithoutMatch() {
        seed();
        List<User> users = awaitAll(users().findAll().innerJoins("creditCard").orderBy("users.id, credit_cards.id"));
        assertThat(users).extracting(u -> u.name).containsExactly("ann", "bob", "bob", "eve");
        assertThat(this.statements.get(0)).containsPattern("(?i)INNER JOIN [\"`]?credit_cards");
        assertThat(await(users().findAll().innerJoins("creditCard").count())).isEqualTo(4L);
        assertThat(await(users().findAll().joins("creditCard").count())).isEqualTo(6L);
        List<User> nested = awaitAll(users().findAll().innerJoins("account.bank").orderBy("users.id"));
        assertThat(nested).extracting(u -> u.name).containsExactly("ann", "bob", "dan");
    }

    @Test
    void whereAndOrderByTakeQualifiedColumns() {
        seed();
        List<User> users = awaitAll(users().findAll().joins("company").where("companies.name = ?", "acme")
                .orderBy("users.name DESC"));
        assertThat(users).extracting(u -> u.name).containsExactly("eve", "bob", "ann");
        List<User> ordered = awaitAll(users().findAll().joins("company").where("users.company_id IS NOT NULL")
                .orderBy("companies.name DESC, users.id"));
        assertThat(ordered).extracting(u -> u.name).containsExactly("dan", "ann", "bob", "eve");
        assertThat(awaitAll(users().where("users.name = ?", "bob"))).hasSize(1);
    }

    @Test
    void joinsPolymorphicRoutesByOwnerType() {
        migrate(Dog.class, Cat.class, Toy.class);
        this.jdbc.update("INSERT INTO dogs (id, name) VALUES (1, 'rex'), (2, 'fido')");
        this.jdbc.update("INSERT INTO cats (id, name) VALUES (1, 'tom'), (2, 'kitty')");
        this.jdbc.update("INSERT INTO toys (id, name, owner_id, owner_type) VALUES (1, 'bone', 1, 'dogs'), "
                + "(2, 'yarn', 1, 'cats'), (3, 'mouse', 2, 'cats')");
        List<Dog> dogs = awaitAll(this.db.repository(Dog.class).findAll().joins("toy").orderBy("dogs.id"));
        assertThat(dogs).hasSize(2);
        assertThat(dogs.get(0).toy.name).isEqualTo("bone");
        assertThat(dogs.get(1).toy).isNull();
        List<Cat> cats = awaitAll(this.db.repository(Cat.class).findAll().joins("toy").orderBy("cats.id"));
        assertThat(cats.get(0).toy.name).isEqualTo("yarn");
        assertThat(cats.get(1).toy.name).isEqualTo("mouse");
        assertThat(this.statements).hasSize(2).allSatisfy(s -> assertThat(s).containsIgnoringCase("owner_type"));
    }

    @Test
    void unscopedJoinsSeeSoftDeletedTargets() {
        seed();
        Map<String, User> u = byName(awaitAll(users().findAll().unscoped().joins("creditCard").joins("account")
                .where("users.name IN ?", List.of("cid", "eve"))));
        assertThat(card(u.get("cid"))).isEqualTo("c3-gone");
        assertThat(u.get("eve").account.number).isEqualTo("a5");
        this.jdbc.update("UPDATE users SET deleted_at = ? WHERE name = 'ann'",
                java.sql.Timestamp.valueOf("2024-01-01 00:00:00"));
        Map<String, User> scoped = byName(awaitAll(users().findAll().joins("manager")));
        assertThat(scoped).doesNotContainKey("ann");
        assertThat(scoped.get("bob").manager).as("soft-deleted manager is no match").isNull();
        assertThat(byName(awaitAll(users().unscoped().findAll().joins("manager"))).get("bob").manager.name)
                .isEqualTo("ann");
    }

    @Test
    void joinsCombineWithPreloadsFirstAndTransactions() {
        seed();
        List<User> users = awaitAll(users().findAll().joins("company").preload("creditCard").preload("account.bank")
                .orderBy("users.id"));
        Map<String, User> u = byName(users);
        assertThat(u.get("bob").company.name).isEqualTo("acme");
        assertThat(card(u.get("bob"))).isEqualTo("c2-a-new");
        assertThat(u.get("dan").account.bank.name).isEqualTo("bank-a");
        assertThat(this.statements).as("users with companies, cards, accounts, banks").hasSize(4);
        User first = await(users().findAll().joins("manager").first());
        assertThat(first.name).isEqualTo("ann");
        List<User> inTx = awaitAll(this.db.inTransaction(tx -> tx.repository(User.class).findAll()
                .joins("manager").preload("company").orderBy("users.id")));
        assertThat(inTx).extracting(x -> x.manager == null ? null : x.manager.name)
                .containsExactly(null, "ann", "bob", "bob", "cid");
        assertThat(inTx.get(3).company.name).isEqualTo("globex");
    }

    @Test
    void unknownJoinPathFailsBeforeAnySql() {
        seed();
        assertThatThrownBy(() -> users().findAll().joins("nope.bank"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("User").hasMessageContaining("nope")
                .hasMessageContaining("account").hasMessageContaining("creditCard")
                .hasMessageContaining("company").hasMessageContaining("manager");
        assertThatThrownBy(() -> users().findAll().innerJoins("account.nope"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Account").hasMessageContaining("bank");
        assertThatThrownBy(() -> users().findAll().joins("creditCard", "number = ? AND id = ?", "x"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(this.statements).isEmpty();
    }

    @Test
    void aJoinedAssociationIsNotPreloadedAgainButItsNestedLevelsAre() {
        seed();
        List<User> users = awaitAll(users().findAll().joins("account").preload("account.bank").preload("account")
                .orderBy("users.id"));
        Map<String, User> u = byName(users);
        assertThat(u.get("ann").account.bank.name).isEqualTo("bank-a");
        assertThat(u.get("bob").account.bank.name).isEqualTo("bank-b");
        assertThat(u.get("dan").account.bank.name).isEqualTo("bank-a");
        assertThat(u.get("cid").account).isNull();
        assertThat(this.statements).as("GORM since go-gorm/gorm#6990: the join, then the banks; accounts not again")
                .hasSize(2);
        assertThat(selectsFrom("accounts")).isEmpty();
        assertThat(selectsFrom("banks")).hasSize(1);
        assertThat(placeholders(selectsFrom("banks").get(0))).as("banks 1 and 2, de-duplicated").isLessThanOrEqualTo(2);
    }

    @Test
    void aJoinedAssociationWithItsOwnPreloadConditionIsQueried() {
        seed();
        List<User> users = awaitAll(users().findAll().joins("creditCard").preload("creditCard", "number = ?", "c1")
                .orderBy("users.id, credit_cards.id"));
        assertThat(users).extracting(EagerLoadingFixtures::card).contains("c1").doesNotContain("c5");
        assertThat(selectsFrom("credit_cards")).hasSize(1);
    }
}
