package io.relata.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.relata.AssociationException;
import io.relata.MappingException;
import io.relata.Model;
import io.relata.Repository;
import io.relata.annotation.Action;
import io.relata.annotation.HasMany;
import io.relata.annotation.UniqueIndex;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;

/**
 * Has-many on every database: every example of GORM's Has Many page (gorm.io/docs/has_many.html) as Java, with the
 * statements checked by count and shape and the rows checked through plain JDBC; cascading saves across owners,
 * association mode, delete with select and the errors. Preloading has its own suite, {@link ToManyPreloadTck}.
 */
public abstract class HasManyTck extends AssociationTestSupport {

    // ---------------------------------------------------------------- has_many.html models

    /** "Declare": User has many CreditCards, UserID is the foreign key. */
    public static class Declare {
        public static class User extends Model {
            String name;
            List<CreditCard> creditCards;
        }

        public static class CreditCard extends Model {
            String number;
            Long userId;
        }
    }

    /** "Override Foreign Key": {@code foreignKey:UserRefer}. */
    public static class ForeignKey {
        public static class User extends Model {
            @HasMany(foreignKey = "UserRefer")
            List<CreditCard> creditCards;
        }

        public static class CreditCard extends Model {
            String number;
            Long userRefer;
        }
    }

    /** "Override References": {@code foreignKey:UserNumber;references:MemberNumber}. */
    public static class References {
        public static class User extends Model {
            @UniqueIndex
            String memberNumber;
            @HasMany(foreignKey = "UserNumber", references = "MemberNumber")
            List<CreditCard> creditCards;
        }

        public static class CreditCard extends Model {
            String number;
            String userNumber;
        }
    }

    /** "Polymorphism Association": {@code polymorphic:Owner}, and {@code polymorphicValue:master}. */
    public static class Polymorphic {
        public static class Dog {
            Integer id;
            String name;
            @HasMany(polymorphic = "Owner")
            List<Toy> toys;
        }

        public static class Cat {
            Integer id;
            String name;
            @HasMany(polymorphic = "Owner", polymorphicValue = "master")
            Set<Toy> toys;
        }

        public static class Toy {
            Integer id;
            String name;
            Integer ownerId;
            String ownerType;
        }
    }

    /** "Self-Referential Has Many": {@code Team []User foreignkey:ManagerID}. */
    public static class SelfReferential {
        public static class User extends Model {
            String name;
            Long managerId;
            @HasMany(foreignKey = "managerId")
            List<User> team;
        }
    }

    /** "FOREIGN KEY Constraints": {@code constraint:OnUpdate:CASCADE,OnDelete:SET NULL}. */
    public static class Constraints {
        public static class User extends Model {
            @HasMany(onUpdate = Action.CASCADE, onDelete = Action.SET_NULL)
            List<CreditCard> creditCards;
        }

        public static class CreditCard extends Model {
            String number;
            Long userId;
        }
    }

    /** Beyond the page: a has-many without a key to find. */
    public static class NoKey {
        public static class User extends Model {
            List<Wallet> wallets;
        }

        public static class Wallet extends Model {
            String name;
        }
    }

    private static Declare.User user(String name, String... numbers) {
        Declare.User u = new Declare.User();
        u.name = name;
        u.creditCards = new ArrayList<>();
        for (String n : numbers) {
            u.creditCards.add(card(n));
        }
        return u;
    }

    private static Declare.CreditCard card(String number) {
        Declare.CreditCard c = new Declare.CreditCard();
        c.number = number;
        return c;
    }

    private Repository<Declare.User> users() {
        return this.db.repository(Declare.User.class);
    }

    private List<String> cardsOf(long userId) {
        return column("SELECT number FROM credit_cards WHERE user_id = ? AND deleted_at IS NULL ORDER BY id", userId);
    }

    // ================================================================ declare, migrate, create

    @Test
    void declareMigratesTheForeignKeyConstraintAndIndex() {
        step("has many: migrate", () -> this.db.migrate(Declare.User.class, Declare.CreditCard.class).block(TIMEOUT));
        assertThat(this.jdbc.foreignKeys("credit_cards")).containsExactly("fk_users_credit_cards");
        assertThat(indexes("credit_cards")).contains("idx_credit_cards_user_id");
        this.statements.clear();
        this.db.migrate(Declare.User.class, Declare.CreditCard.class).block(TIMEOUT);
        assertThat(this.statements).as("idempotent: only reads and IF NOT EXISTS")
                .noneMatch(s -> s.startsWith("ALTER") || s.startsWith("CREATE TABLE "));
    }

    @Test
    void createInsertsTheOwnerThenItsChildrenInOneStatement() {
        migrate(Declare.User.class, Declare.CreditCard.class);
        Declare.User u = user("jinzhu", "4111", "4222", "4333");
        List<String> sent = step("has many: create user with credit cards", () -> await(users().save(u)));
        assertThat(unquoted(sent)).satisfiesExactly(
                s -> assertThat(s).startsWith("insert into users "),
                // deleted_at, NULL in every new card and without a default, is left out of the batch
                s -> assertThat(s).startsWith("insert into credit_cards (created_at, updated_at, number, user_id) ")
                        .matches(this::multiRowInsert));
        assertThat(u.creditCards).allSatisfy(c -> {
            assertThat(c.getId()).isPositive();
            assertThat(c.userId).isEqualTo(u.getId());
        });
        assertThat(cardsOf(u.getId())).containsExactly("4111", "4222", "4333");
    }

    @Test
    void retrieveWithEagerLoadingIsTwoStatements() {
        migrate(Declare.User.class, Declare.CreditCard.class);
        await(users().saveAll(Flux.just(user("a", "a1", "a2"), user("b"), user("c", "c1"))).then());
        this.jdbc.update("UPDATE credit_cards SET deleted_at = CURRENT_TIMESTAMP WHERE number = 'a2'");
        List<Declare.User> all = new ArrayList<>();
        List<String> sent = step("has many: retrieve with eager loading",
                () -> all.addAll(awaitAll(users().findAll().orderBy("id").preload("creditCards"))));
        assertThat(sent).hasSize(2);
        assertThat(all).extracting(u -> u.creditCards.stream().map(c -> c.number).toList())
                .containsExactly(List.of("a1"), List.of(), List.of("c1"));
        assertThat(all.get(1).creditCards).as("empty, not null").isNotNull();
    }

    @Test
    void saveAllOfAThousandOwnersWithFiveChildrenEachIsAHandfulOfStatements() {
        migrate(Declare.User.class, Declare.CreditCard.class);
        List<Declare.User> many = new ArrayList<>();
        for (int i = 0; i < 1_000; i++) {
            many.add(user("u" + i, "a" + i, "b" + i, "c" + i, "d" + i, "e" + i));
        }
        List<String> sent = step("has many: saveAll 1,000 users with 5 cards each",
                () -> awaitAll(users().saveAll(Flux.fromIterable(many))));
        // One insert of 1,000 users, then 5,000 cards in inserts of at most 1,000 rows (fewer binds on a small limit).
        assertThat(sent.stream().filter(s -> unquoted(s).startsWith("insert into users"))).hasSize(1);
        assertThat(sent.stream().filter(s -> unquoted(s).startsWith("insert into credit_cards")).count())
                .isBetween(5L, 10L);
        assertThat(sent).hasSizeLessThanOrEqualTo(11);
        assertThat(count("SELECT COUNT(*) FROM credit_cards")).isEqualTo(5_000);
        assertThat(count("SELECT COUNT(*) FROM credit_cards c JOIN users u ON u.id = c.user_id "
                + "WHERE c.number = CONCAT('c', SUBSTRING(u.name, 2))")).as("each card on its own user").isEqualTo(1_000);
    }

    @Test
    void savingAnExistingOwnerLinksExistingChildrenAndInsertsNewOnes() {
        migrate(Declare.User.class, Declare.CreditCard.class);
        Declare.User first = await(users().save(user("first", "4111", "4222")));
        Declare.User second = await(users().save(user("second")));
        // second takes first's 4222 (re-parented, its number left alone) and a new card; 4111 stays with first.
        Declare.CreditCard moved = first.creditCards.get(1);
        moved.number = "changed in memory";
        second.creditCards = new ArrayList<>(List.of(moved, card("4333")));
        List<String> sent = step("has many: save an existing user", () -> await(users().save(second)));
        assertThat(unquoted(sent)).satisfiesExactly(
                s -> assertThat(s).startsWith("update users set "),
                s -> assertThat(s).startsWith("update credit_cards set user_id = ").contains(" where id = "),
                s -> assertThat(s).startsWith("insert into credit_cards "));
        assertThat(cardsOf(second.getId())).containsExactly("4222", "4333");
        assertThat(cardsOf(first.getId())).as("GORM leaves children the owner no longer holds").containsExactly("4111");
    }

    @Test
    void omitLeavesTheChildrenAlone() {
        migrate(Declare.User.class, Declare.CreditCard.class);
        Declare.User u = user("jinzhu", "4111");
        List<String> sent = step("has many: omit", () -> await(users().omit("creditCards").save(u)));
        assertThat(sent).hasSize(1);
        assertThat(count("SELECT COUNT(*) FROM credit_cards")).isZero();
        assertThat(u.creditCards.get(0).getId()).isNull();
    }

    @Test
    void foreignKeyOverrideStoresTheOwnerIdInUserRefer() {
        migrate(ForeignKey.User.class, ForeignKey.CreditCard.class);
        ForeignKey.User u = new ForeignKey.User();
        ForeignKey.CreditCard c = new ForeignKey.CreditCard();
        c.number = "4111";
        u.creditCards = List.of(c);
        step("has many: foreignKey UserRefer", () -> await(this.db.repository(ForeignKey.User.class).save(u)));
        assertThat(u.creditCards.get(0).userRefer).isEqualTo(u.getId());
        assertThat(count("SELECT user_refer FROM credit_cards")).isEqualTo(u.getId());
        List<ForeignKey.User> found = awaitAll(this.db.repository(ForeignKey.User.class).findAll()
                .preload("creditCards"));
        assertThat(found.get(0).creditCards).extracting(x -> x.number).containsExactly("4111");
    }

    @Test
    void referencesStoresTheMemberNumber() {
        migrate(References.User.class, References.CreditCard.class);
        References.User u = new References.User();
        u.memberNumber = "M-42";
        References.CreditCard c = new References.CreditCard();
        c.number = "4111";
        u.creditCards = List.of(c);
        step("has many: references MemberNumber", () -> await(this.db.repository(References.User.class).save(u)));
        assertThat(this.jdbc.single("SELECT user_number FROM credit_cards")).isEqualTo("M-42");
        assertThat(this.jdbc.foreignKeys("credit_cards")).containsExactly("fk_users_credit_cards");
        References.User found = awaitAll(this.db.repository(References.User.class).findAll().preload("creditCards"))
                .get(0);
        assertThat(found.creditCards).extracting(x -> x.number).containsExactly("4111");
        assertThat(await(this.db.repository(References.User.class).association(u, "creditCards").count()))
                .isEqualTo(1L);
    }

    @Test
    void polymorphicHasManyStoresTheOwnerTableInEveryRow() {
        migrate(Polymorphic.Dog.class, Polymorphic.Cat.class, Polymorphic.Toy.class);
        Polymorphic.Dog dog = new Polymorphic.Dog();
        dog.name = "dog1";
        dog.toys = List.of(toy("toy1"), toy("toy2"));
        List<String> sent = step("has many: polymorphic create",
                () -> await(this.db.repository(Polymorphic.Dog.class).save(dog)));
        assertThat(unquoted(sent)).satisfiesExactly(
                s -> assertThat(s).startsWith("insert into dogs (name)"),
                s -> assertThat(s).startsWith("insert into toys (name, owner_id, owner_type) ")
                        .matches(this::multiRowInsert));
        Polymorphic.Cat cat = new Polymorphic.Cat();
        cat.name = "cat1";
        cat.toys = Set.of(toy("toy3"));
        step("has many: polymorphicValue master", () -> await(this.db.repository(Polymorphic.Cat.class).save(cat)));
        assertThat(column("SELECT CONCAT(name, ':', owner_type) FROM toys ORDER BY id"))
                .containsExactly("toy1:dogs", "toy2:dogs", "toy3:master");
        assertThat(this.jdbc.foreignKeys("toys")).as("no constraint for a polymorphic has-many").isEmpty();
        // cat 1 and dog 1 share id 1: the type column routes the toys.
        assertThat(dog.id).isEqualTo(cat.id);
        Polymorphic.Dog loaded = awaitAll(this.db.repository(Polymorphic.Dog.class).findAll().preload("toys")).get(0);
        assertThat(loaded.toys).extracting(t -> t.name).containsExactly("toy1", "toy2");
        Polymorphic.Cat loadedCat = awaitAll(this.db.repository(Polymorphic.Cat.class).findAll().preload("toys"))
                .get(0);
        assertThat(loadedCat.toys).isInstanceOf(Set.class).extracting(t -> t.name).containsExactly("toy3");
        assertThat(await(this.db.repository(Polymorphic.Dog.class).association(dog, "toys").count())).isEqualTo(2L);
    }

    private static Polymorphic.Toy toy(String name) {
        Polymorphic.Toy t = new Polymorphic.Toy();
        t.name = name;
        return t;
    }

    @Test
    void selfReferentialTeamIsSavedAfterItsManagerAndPreloaded() {
        migrate(SelfReferential.User.class);
        SelfReferential.User boss = new SelfReferential.User();
        boss.name = "boss";
        boss.team = new ArrayList<>();
        for (String name : List.of("ann", "bob")) {
            SelfReferential.User member = new SelfReferential.User();
            member.name = name;
            boss.team.add(member);
        }
        List<String> sent = step("has many: self-referential team",
                () -> await(this.db.repository(SelfReferential.User.class).save(boss)));
        assertThat(sent).hasSize(2);
        assertThat(column("SELECT manager_id FROM users WHERE name <> 'boss' ORDER BY name"))
                .containsExactly(String.valueOf(boss.getId()), String.valueOf(boss.getId()));
        assertThat(this.jdbc.foreignKeys("users")).containsExactly("fk_users_team");
        List<SelfReferential.User> all = awaitAll(this.db.repository(SelfReferential.User.class).findAll()
                .orderBy("id").preload("team"));
        assertThat(all.get(0).team).extracting(u -> u.name).containsExactly("ann", "bob");
        assertThat(all.get(1).team).isEmpty();
    }

    @Test
    void constraintActionsAreCreatedAndEnforced() {
        migrate(Constraints.User.class, Constraints.CreditCard.class);
        Constraints.User u = new Constraints.User();
        Constraints.CreditCard c = new Constraints.CreditCard();
        c.number = "4111";
        u.creditCards = List.of(c);
        await(this.db.repository(Constraints.User.class).save(u));
        this.jdbc.update("DELETE FROM users WHERE id = ?", u.getId());
        assertThat(this.jdbc.single("SELECT user_id FROM credit_cards")).as("ON DELETE SET NULL").isNull();
    }

    @Test
    void aCollectionWithoutAForeignKeyIsAClearMappingError() {
        assertThatThrownBy(() -> this.db.repository(NoKey.User.class))
                .isInstanceOf(MappingException.class)
                .hasMessageContaining("User.wallets")
                .hasMessageContaining("Wallet.userId (column user_id)")
                .hasMessageContaining("@HasMany(foreignKey")
                .hasMessageContaining("@ManyToMany");
    }

    @Test
    void joinsOnAHasManyIsAnErrorNamingPreload() {
        migrate(Declare.User.class, Declare.CreditCard.class);
        assertThatThrownBy(() -> users().findAll().joins("creditCards"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("has-many").hasMessageContaining("preload(\"creditCards\")");
        assertThatThrownBy(() -> users().findAll().innerJoins("creditCards"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("preload");
        assertThat(this.statements).isEmpty();
    }

    // ================================================================ association mode (CRUD with Has Many)

    @Test
    void associationModeFindsAppendsAndCounts() {
        migrate(Declare.User.class, Declare.CreditCard.class);
        Declare.User u = await(users().save(user("jinzhu", "4111", "4222")));
        Declare.User other = await(users().save(user("other", "9999")));
        var cards = users().<Declare.CreditCard>association(u, "creditCards");
        List<String> find = step("has many: association find", () -> assertThat(awaitAll(cards.findAll()))
                .extracting(c -> c.number).containsExactly("4111", "4222"));
        assertThat(unquoted(find)).singleElement().asString().contains("credit_cards.user_id = ")
                .contains("order by credit_cards.id");
        assertThatThrownBy(() -> await(cards.find())).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("findAll()");

        step("has many: association append one", () -> await(cards.append(card("4333"))));
        step("has many: association append several", () -> await(cards.appendAll(List.of(card("4444"),
                other.creditCards.get(0)))));
        assertThat(cardsOf(u.getId())).as("by id: 9999 was saved before 4333")
                .containsExactly("4111", "4222", "9999", "4333", "4444");
        assertThat(cardsOf(other.getId())).as("an existing card is re-parented").isEmpty();
        assertThat(u.creditCards).extracting(c -> c.number).containsExactly("4111", "4222", "4333", "4444", "9999");
        assertThat(await(cards.count())).isEqualTo(5L);
    }

    @Test
    void associationModeReplaceUnlinksTheOthers() {
        migrate(Declare.User.class, Declare.CreditCard.class);
        Declare.User u = await(users().save(user("jinzhu", "4111", "4222", "4333")));
        Declare.CreditCard keep = u.creditCards.get(1);
        List<String> sent = step("has many: association replace", () -> await(users()
                .<Declare.CreditCard>association(u, "creditCards").replaceAll(List.of(keep, card("5555")))));
        assertThat(unquoted(sent)).anySatisfy(s -> assertThat(s).startsWith("update credit_cards set user_id = ")
                .contains("credit_cards.id not in (").contains("deleted_at is null"));
        assertThat(cardsOf(u.getId())).containsExactly("4222", "5555");
        assertThat(count("SELECT COUNT(*) FROM credit_cards WHERE user_id IS NULL")).isEqualTo(2);
        assertThat(u.creditCards).extracting(c -> c.number).containsExactly("4222", "5555");

        step("has many: association clear", () -> await(users().association(u, "creditCards").clear()));
        assertThat(cardsOf(u.getId())).isEmpty();
        assertThat(count("SELECT COUNT(*) FROM credit_cards")).as("unlinked, not deleted").isEqualTo(4);
        assertThat(u.creditCards).isEmpty();
    }

    @Test
    void associationModeDeleteUnlinksOrDeletesWhenUnscoped() {
        migrate(Declare.User.class, Declare.CreditCard.class);
        Declare.User u = await(users().save(user("jinzhu", "4111", "4222", "4333")));
        Declare.CreditCard first = u.creditCards.get(0);
        List<String> sent = step("has many: association delete", () -> await(users()
                .<Declare.CreditCard>association(u, "creditCards").delete(first)));
        assertThat(unquoted(sent)).singleElement().asString().startsWith("update credit_cards set user_id = ");
        assertThat(first.userId).isNull();
        assertThat(cardsOf(u.getId())).containsExactly("4222", "4333");
        assertThat(count("SELECT COUNT(*) FROM credit_cards")).isEqualTo(3);

        Declare.CreditCard second = u.creditCards.get(0);
        List<String> hard = step("has many: association delete, unscoped", () -> await(users().unscoped()
                .<Declare.CreditCard>association(u, "creditCards").deleteAll(List.of(second))));
        assertThat(unquoted(hard)).singleElement().asString().startsWith("delete from credit_cards where ");
        assertThat(count("SELECT COUNT(*) FROM credit_cards")).isEqualTo(2);
        assertThat(u.creditCards).extracting(c -> c.number).containsExactly("4333");
        // A card of another owner is not unlinked from this one.
        Declare.User other = await(users().save(user("other", "9999")));
        await(users().association(u, "creditCards").delete(other.creditCards.get(0)));
        assertThat(cardsOf(other.getId())).containsExactly("9999");
    }

    @Test
    void associationModeOverSeveralOwners() {
        migrate(Declare.User.class, Declare.CreditCard.class);
        Declare.User a = await(users().save(user("a", "a1", "a2")));
        Declare.User b = await(users().save(user("b", "b1")));
        Declare.User c = await(users().save(user("c")));
        var all = users().<Declare.CreditCard>association(List.of(a, b, c), "creditCards");
        List<String> find = step("has many: association over several owners",
                () -> assertThat(awaitAll(all.findAll())).extracting(x -> x.number).containsExactly("a1", "a2", "b1"));
        assertThat(find).hasSize(1);
        assertThat(await(all.count())).isEqualTo(3L);
        // GORM: one value per owner, in order.
        await(all.appendAll(List.of(card("a3"), card("b2"), card("c1"))));
        assertThat(cardsOf(c.getId())).containsExactly("c1");
        assertThat(cardsOf(b.getId())).containsExactly("b1", "b2");
        assertThatThrownBy(() -> all.appendAll(List.of(card("x"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("one value per owner");
        await(all.clear());
        assertThat(count("SELECT COUNT(*) FROM credit_cards WHERE user_id IS NOT NULL")).isZero();
    }

    @Test
    void associationModeNeedsSavedOwners() {
        migrate(Declare.User.class, Declare.CreditCard.class);
        Declare.User unsaved = user("new");
        assertThatThrownBy(() -> await(users().association(unsaved, "creditCards").count()))
                .isInstanceOf(AssociationException.class).hasMessageContaining("primary key");
        assertThatThrownBy(() -> await(users().<Declare.CreditCard>association(unsaved, "creditCards")
                .append(card("1")))).isInstanceOf(AssociationException.class);
        assertThat(this.statements).isEmpty();
    }

    // ================================================================ delete with select

    @Test
    void deleteWithSelectSoftDeletesTheChildrenWithTheOwner() {
        migrate(Declare.User.class, Declare.CreditCard.class);
        Declare.User u = await(users().save(user("jinzhu", "4111", "4222")));
        Declare.User other = await(users().save(user("other", "9999")));
        List<String> sent = step("has many: delete with select", () -> assertThat(await(users().delete(u,
                "creditCards"))).isEqualTo(1L));
        assertThat(unquoted(sent)).satisfiesExactly(
                s -> assertThat(s).startsWith("update credit_cards set deleted_at = ").contains("user_id = "),
                s -> assertThat(s).startsWith("update users set deleted_at = "));
        assertThat(count("SELECT COUNT(*) FROM credit_cards WHERE deleted_at IS NOT NULL")).isEqualTo(2);
        assertThat(cardsOf(other.getId())).containsExactly("9999");
        List<String> hard = step("has many: delete with select, unscoped",
                () -> await(users().unscoped().delete(other, "creditCards")));
        assertThat(unquoted(hard).get(0)).startsWith("delete from credit_cards where ");
        assertThat(count("SELECT COUNT(*) FROM credit_cards WHERE user_id = ?", other.getId())).isZero();
        assertThat(count("SELECT COUNT(*) FROM users")).as("one soft-deleted, one deleted").isEqualTo(1);
    }
}
