package io.relata.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.r2dbc.spi.R2dbcDataIntegrityViolationException;
import io.relata.Association;
import io.relata.AssociationException;
import io.relata.Model;
import io.relata.Repository;
import io.relata.annotation.Action;
import io.relata.annotation.BelongsTo;
import io.relata.annotation.HasOne;
import io.relata.annotation.Index;
import io.relata.annotation.UniqueIndex;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;

/**
 * Associations on every database: every example of the GORM has-one and belongs-to pages
 * (shared/gorm/has_one.md, belongs_to.md) as Java, cascading saves, association mode and delete with select. Each
 * test checks the database through the JDBC side channel and the statements sent through {@code onStatement}.
 *
 * <p>With {@code -Drelata.sqlLog=<file>}, the statements of each documented step are appended to that file; that
 * is where docs/associations.md takes its SQL from.
 */
public abstract class AssociationTck extends AssociationTestSupport {

    // ---------------------------------------------------------------- has_one.md

    /** has_one.md "Declare": User has one CreditCard, UserID is the foreign key. */
    public static class Declare {
        public static class User extends Model {
            CreditCard creditCard;
        }

        public static class CreditCard extends Model {
            String number;
            Long userId;
        }
    }

    /** has_one.md "Override Foreign Key": {@code UserName string} stores the user's id. */
    public static class HasOneForeignKey {
        public static class User extends Model {
            @HasOne(foreignKey = "UserName")
            CreditCard creditCard;
        }

        public static class CreditCard extends Model {
            String number;
            String userName;
        }
    }

    /** has_one.md "Override References": {@code UserName} stores the user's {@code Name}. */
    public static class HasOneReferences {
        public static class User extends Model {
            @Index
            String name;
            @HasOne(foreignKey = "UserName", references = "name")
            CreditCard creditCard;
        }

        public static class CreditCard extends Model {
            String number;
            String userName;
        }
    }

    /** has_one.md "Polymorphism Association". */
    public static class Polymorphic {
        public static class Cat {
            Integer id;
            String name;
            @HasOne(polymorphic = "Owner")
            Toy toy;
        }

        public static class Dog {
            Integer id;
            String name;
            @HasOne(polymorphic = "Owner")
            Toy toy;
        }

        public static class Toy {
            Integer id;
            String name;
            Integer ownerId;
            String ownerType;
        }
    }

    /** has_one.md "Polymorphism Association" with {@code polymorphicValue:master}. */
    public static class PolymorphicValue {
        public static class Dog {
            Integer id;
            String name;
            @HasOne(polymorphic = "Owner", polymorphicValue = "master")
            Toy toy;
        }

        public static class Toy {
            Integer id;
            String name;
            Integer ownerId;
            String ownerType;
        }
    }

    /** has_one.md "Self-Referential Has One" (GORM calls it has one; it is a belongs-to). */
    public static class SelfReferential {
        public static class User extends Model {
            String name;
            Long managerId;
            User manager;
        }
    }

    /** DESIGN.md: an explicit self-referential has-one. */
    public static class SelfHasOne {
        public static class Node {
            Long id;
            String name;
            Long parentId;
            @HasOne(foreignKey = "parentId")
            Node child;
        }
    }

    /** has_one.md "FOREIGN KEY Constraints". */
    public static class HasOneConstraints {
        public static class User extends Model {
            @HasOne(onUpdate = Action.CASCADE, onDelete = Action.SET_NULL)
            CreditCard creditCard;
        }

        public static class CreditCard extends Model {
            String number;
            Long userId;
        }
    }

    // ---------------------------------------------------------------- belongs_to.md

    /** belongs_to.md "Struct definition". */
    public static class BelongsToDeclare {
        public static class User extends Model {
            String name;
        }

        public static class Profile extends Model {
            Long userId;
            User user;
            String name;
        }
    }

    /** belongs_to.md "Override the foreign key". */
    public static class BelongsToForeignKey {
        public static class User extends Model {
            String name;
        }

        public static class Profile extends Model {
            Long userRefer;
            @BelongsTo(foreignKey = "UserRefer")
            User user;
            String name;
        }
    }

    /** belongs_to.md "Override references". */
    public static class BelongsToReferences {
        public static class User extends Model {
            String name;
            @UniqueIndex
            String refer;
        }

        public static class Profile extends Model {
            String name;
            String userRefer;
            @BelongsTo(foreignKey = "UserRefer", references = "Refer")
            User user;
        }
    }

    /** belongs_to.md "Constraints". */
    public static class BelongsToConstraints {
        public static class User extends Model {
            String name;
        }

        public static class Profile extends Model {
            Long userId;
            @BelongsTo(onUpdate = Action.CASCADE, onDelete = Action.SET_NULL)
            User user;
        }
    }

    // ---------------------------------------------------------------- beyond the pages

    /** A card number is unique, so a cascade can fail half-way. */
    public static class UniqueCard {
        public static class User extends Model {
            String name;
            CreditCard creditCard;
        }

        public static class CreditCard extends Model {
            @UniqueIndex
            String number;
            Long userId;
        }
    }

    /** One card per user, enforced by a unique index on the foreign key. */
    public static class OneCardPerUser {
        public static class User extends Model {
            String name;
            CreditCard creditCard;
        }

        public static class CreditCard extends Model {
            String number;
            @UniqueIndex
            Long userId;
        }
    }

    /** A three-level graph with a cycle: Profile -> User -> CreditCard -> back to the same User. */
    public static class Nested {
        public static class Profile extends Model {
            String name;
            Long userId;
            User user;
        }

        public static class User extends Model {
            String name;
            CreditCard creditCard;
        }

        public static class CreditCard extends Model {
            String number;
            Long userId;
            @BelongsTo
            User user;
        }
    }

    private static Declare.User user(String number) {
        Declare.User u = new Declare.User();
        if (number != null) {
            u.creditCard = card(number);
        }
        return u;
    }

    private static Declare.CreditCard card(String number) {
        Declare.CreditCard c = new Declare.CreditCard();
        c.number = number;
        return c;
    }


    // ================================================================ cascading save: has_one.md

    @Test
    void hasOneCreateInsertsOwnerThenTargetWithForeignKey() {
        migrate(Declare.User.class, Declare.CreditCard.class);
        Declare.User u = user("4111");
        List<String> sent = step("has one: create user with credit card",
                () -> await(this.db.repository(Declare.User.class).save(u)));
        assertThat(unquoted(sent)).satisfiesExactly(
                s -> assertThat(s).startsWith("insert into users "),
                s -> assertThat(s).startsWith("insert into credit_cards "));
        assertThat(u.getId()).isPositive();
        assertThat(u.creditCard.getId()).isPositive();
        assertThat(u.creditCard.userId).isEqualTo(u.getId());
        assertThat(this.jdbc.query("SELECT number, user_id FROM credit_cards")).singleElement()
                .satisfies(row -> {
                    assertThat(row.get("number")).isEqualTo("4111");
                    assertThat(((Number) row.get("user_id")).longValue()).isEqualTo(u.getId());
                });
    }

    @Test
    void hasOneForeignKeyOverrideStoresTheOwnerIdInUserName() {
        migrate(HasOneForeignKey.User.class, HasOneForeignKey.CreditCard.class);
        HasOneForeignKey.User u = new HasOneForeignKey.User();
        u.creditCard = new HasOneForeignKey.CreditCard();
        u.creditCard.number = "4222";
        step("has one: foreignKey UserName", () -> await(this.db.repository(HasOneForeignKey.User.class).save(u)));
        assertThat(u.creditCard.userName).isEqualTo(String.valueOf(u.getId()));
        assertThat(count("SELECT user_name FROM credit_cards WHERE number = '4222'")).isEqualTo(u.getId());
        HasOneForeignKey.CreditCard found = await(this.db.repository(HasOneForeignKey.User.class)
                .<HasOneForeignKey.CreditCard>association(u, "creditCard").find());
        assertThat(found.number).isEqualTo("4222");
        assertThat(found.userName).isEqualTo(String.valueOf(u.getId()));
    }

    @Test
    void hasOneReferencesStoresTheOwnerName() {
        migrate(HasOneReferences.User.class, HasOneReferences.CreditCard.class);
        HasOneReferences.User u = new HasOneReferences.User();
        u.name = "jinzhu";
        u.creditCard = new HasOneReferences.CreditCard();
        u.creditCard.number = "4333";
        step("has one: references name", () -> await(this.db.repository(HasOneReferences.User.class).save(u)));
        assertThat(u.creditCard.userName).isEqualTo("jinzhu");
        assertThat(this.jdbc.single("SELECT user_name FROM credit_cards")).isEqualTo("jinzhu");
        assertThat(await(this.db.repository(HasOneReferences.User.class).association(u, "creditCard").count()))
                .isEqualTo(1L);
    }

    @Test
    void polymorphicHasOneStoresOwnerIdAndOwnerTable() {
        migrate(Polymorphic.Cat.class, Polymorphic.Dog.class, Polymorphic.Toy.class);
        Polymorphic.Dog dog = new Polymorphic.Dog();
        dog.name = "dog1";
        dog.toy = new Polymorphic.Toy();
        dog.toy.name = "toy1";
        List<String> sent = step("polymorphic: create dog with toy",
                () -> await(this.db.repository(Polymorphic.Dog.class).save(dog)));
        assertThat(unquoted(sent)).satisfiesExactly(
                s -> assertThat(s).startsWith("insert into dogs (name)"),
                s -> assertThat(s).startsWith("insert into toys (name, owner_id, owner_type)"));
        Polymorphic.Cat cat = new Polymorphic.Cat();
        cat.name = "cat1";
        cat.toy = new Polymorphic.Toy();
        cat.toy.name = "toy2";
        await(this.db.repository(Polymorphic.Cat.class).save(cat));
        assertThat(this.jdbc.query("SELECT name, owner_id, owner_type FROM toys ORDER BY name"))
                .extracting(r -> r.get("name") + ":" + ((Number) r.get("owner_id")).intValue() + ":" + r.get("owner_type"))
                .containsExactly("toy1:" + dog.id + ":dogs", "toy2:" + cat.id + ":cats");
        assertThat(dog.toy.ownerType).isEqualTo("dogs");
        assertThat(dog.toy.ownerId).isEqualTo(dog.id);
    }

    @Test
    void polymorphicValueReplacesTheOwnerTable() {
        migrate(PolymorphicValue.Dog.class, PolymorphicValue.Toy.class);
        PolymorphicValue.Dog dog = new PolymorphicValue.Dog();
        dog.name = "dog1";
        dog.toy = new PolymorphicValue.Toy();
        dog.toy.name = "toy1";
        step("polymorphic: polymorphicValue master",
                () -> await(this.db.repository(PolymorphicValue.Dog.class).save(dog)));
        assertThat(this.jdbc.query("SELECT name, owner_id, owner_type FROM toys")).singleElement()
                .satisfies(r -> {
                    assertThat(r.get("owner_type")).isEqualTo("master");
                    assertThat(((Number) r.get("owner_id")).intValue()).isEqualTo(dog.id);
                });
        PolymorphicValue.Toy found = await(this.db.repository(PolymorphicValue.Dog.class)
                .<PolymorphicValue.Toy>association(dog, "toy").find());
        assertThat(found.name).isEqualTo("toy1");
    }

    @Test
    void selfReferenceSavesTheManagerFirst() {
        migrate(SelfReferential.User.class);
        SelfReferential.User boss = new SelfReferential.User();
        boss.name = "boss";
        SelfReferential.User emp = new SelfReferential.User();
        emp.name = "emp";
        emp.manager = boss;
        List<String> sent = step("self-referential: create user with manager",
                () -> await(this.db.repository(SelfReferential.User.class).save(emp)));
        assertThat(sent).hasSize(2);
        assertThat(emp.managerId).isEqualTo(boss.getId());
        assertThat(boss.getId()).isLessThan(emp.getId());
        assertThat(count("SELECT manager_id FROM users WHERE name = 'emp'")).isEqualTo(boss.getId());
        assertThat(this.jdbc.single("SELECT manager_id FROM users WHERE name = 'boss'")).isNull();
        SelfReferential.User manager = await(this.db.repository(SelfReferential.User.class)
                .<SelfReferential.User>association(emp, "manager").find());
        assertThat(manager.name).isEqualTo("boss");
    }

    @Test
    void saveAllOfManagersAndTheirReportsInsertsManagersFirst() {
        migrate(SelfReferential.User.class);
        SelfReferential.User boss = new SelfReferential.User();
        boss.name = "boss";
        SelfReferential.User mid = new SelfReferential.User();
        mid.name = "mid";
        mid.manager = boss;
        SelfReferential.User emp = new SelfReferential.User();
        emp.name = "emp";
        emp.manager = mid;
        SelfReferential.User other = new SelfReferential.User();
        other.name = "other";
        other.manager = boss;
        // Reports before their managers in the input; the managers still get their keys first.
        List<String> sent = step("saveAll: a management chain",
                () -> awaitAll(this.db.repository(SelfReferential.User.class)
                        .saveAll(Flux.just(emp, other, mid, boss))));
        assertThat(sent).hasSize(3);
        assertThat(count("SELECT manager_id FROM users WHERE name = 'mid'")).isEqualTo(boss.getId());
        assertThat(count("SELECT manager_id FROM users WHERE name = 'other'")).isEqualTo(boss.getId());
        assertThat(count("SELECT manager_id FROM users WHERE name = 'emp'")).isEqualTo(mid.getId());
        assertThat(this.jdbc.single("SELECT manager_id FROM users WHERE name = 'boss'")).isNull();
        assertThat(count("SELECT COUNT(*) FROM users")).isEqualTo(4);
    }

    @Test
    void explicitSelfReferentialHasOneSavesTheChildAfter() {
        migrate(SelfHasOne.Node.class);
        SelfHasOne.Node root = new SelfHasOne.Node();
        root.name = "root";
        root.child = new SelfHasOne.Node();
        root.child.name = "leaf";
        await(this.db.repository(SelfHasOne.Node.class).save(root));
        assertThat(root.child.parentId).isEqualTo(root.id);
        assertThat(count("SELECT parent_id FROM nodes WHERE name = 'leaf'")).isEqualTo(root.id);
        assertThat(this.jdbc.single("SELECT parent_id FROM nodes WHERE name = 'root'")).isNull();
        SelfHasOne.Node child = await(this.db.repository(SelfHasOne.Node.class)
                .<SelfHasOne.Node>association(root, "child").find());
        assertThat(child.name).isEqualTo("leaf");
    }

    @Test
    void hasOneWithConstraintActionsSaves() {
        migrate(HasOneConstraints.User.class, HasOneConstraints.CreditCard.class);
        HasOneConstraints.User u = new HasOneConstraints.User();
        u.creditCard = new HasOneConstraints.CreditCard();
        u.creditCard.number = "4444";
        await(this.db.repository(HasOneConstraints.User.class).save(u));
        this.jdbc.update("DELETE FROM users WHERE id = ?", u.getId());
        assertThat(this.jdbc.single("SELECT user_id FROM credit_cards")).as("ON DELETE SET NULL").isNull();
    }

    // ================================================================ cascading save: belongs_to.md

    @Test
    void belongsToCreateInsertsTheTargetFirst() {
        migrate(BelongsToDeclare.User.class, BelongsToDeclare.Profile.class);
        BelongsToDeclare.Profile profile = new BelongsToDeclare.Profile();
        profile.name = "jinzhu's profile";
        profile.user = new BelongsToDeclare.User();
        profile.user.name = "jinzhu";
        List<String> sent = step("belongs to: create profile with new user",
                () -> await(this.db.repository(BelongsToDeclare.Profile.class).save(profile)));
        assertThat(unquoted(sent)).satisfiesExactly(
                s -> assertThat(s).startsWith("insert into users "),
                s -> assertThat(s).startsWith("insert into profiles "));
        assertThat(profile.userId).isEqualTo(profile.user.getId());
        assertThat(this.jdbc.query("SELECT p.name AS p, u.name AS u FROM profiles p JOIN users u ON p.user_id = u.id"))
                .containsExactly(Map.of("p", "jinzhu's profile", "u", "jinzhu"));
    }

    @Test
    void belongsToExistingUserBySettingTheForeignKey() {
        migrate(BelongsToDeclare.User.class, BelongsToDeclare.Profile.class);
        this.jdbc.update("INSERT INTO users (name) VALUES ('jinzhu')");
        long id = count("SELECT id FROM users");
        BelongsToDeclare.Profile profile = new BelongsToDeclare.Profile();
        profile.name = "jinzhu's profile";
        profile.userId = id;
        List<String> sent = step("belongs to: create profile for an existing user id",
                () -> await(this.db.repository(BelongsToDeclare.Profile.class).save(profile)));
        assertThat(unquoted(sent)).singleElement().asString().startsWith("insert into profiles ");
        assertThat(count("SELECT user_id FROM profiles")).isEqualTo(id);
    }

    @Test
    void belongsToForeignKeyOverride() {
        migrate(BelongsToForeignKey.User.class, BelongsToForeignKey.Profile.class);
        BelongsToForeignKey.Profile profile = new BelongsToForeignKey.Profile();
        profile.name = "p";
        profile.user = new BelongsToForeignKey.User();
        profile.user.name = "jinzhu";
        step("belongs to: foreignKey UserRefer",
                () -> await(this.db.repository(BelongsToForeignKey.Profile.class).save(profile)));
        assertThat(profile.userRefer).isEqualTo(profile.user.getId());
        assertThat(count("SELECT user_refer FROM profiles")).isEqualTo(profile.user.getId());
    }

    @Test
    void belongsToReferencesStoresTheReferencedField() {
        migrate(BelongsToReferences.User.class, BelongsToReferences.Profile.class);
        BelongsToReferences.Profile profile = new BelongsToReferences.Profile();
        profile.name = "p";
        profile.user = new BelongsToReferences.User();
        profile.user.name = "jinzhu";
        profile.user.refer = "jz-1";
        step("belongs to: references Refer",
                () -> await(this.db.repository(BelongsToReferences.Profile.class).save(profile)));
        assertThat(profile.userRefer).isEqualTo("jz-1");
        assertThat(this.jdbc.single("SELECT user_refer FROM profiles")).isEqualTo("jz-1");
        BelongsToReferences.User found = await(this.db.repository(BelongsToReferences.Profile.class)
                .<BelongsToReferences.User>association(profile, "user").find());
        assertThat(found.name).isEqualTo("jinzhu");
    }

    @Test
    void belongsToConstraintActions() {
        migrate(BelongsToConstraints.User.class, BelongsToConstraints.Profile.class);
        BelongsToConstraints.Profile profile = new BelongsToConstraints.Profile();
        profile.user = new BelongsToConstraints.User();
        profile.user.name = "u";
        await(this.db.repository(BelongsToConstraints.Profile.class).save(profile));
        this.jdbc.update("UPDATE users SET id = 77 WHERE id = ?", profile.userId);
        assertThat(count("SELECT user_id FROM profiles")).as("ON UPDATE CASCADE").isEqualTo(77L);
        this.jdbc.update("DELETE FROM users WHERE id = 77");
        assertThat(this.jdbc.single("SELECT user_id FROM profiles")).as("ON DELETE SET NULL").isNull();
    }

    @Test
    void updateWritesTheForeignKeyColumnOnly() {
        migrate(BelongsToDeclare.User.class, BelongsToDeclare.Profile.class);
        this.jdbc.update("INSERT INTO users (name) VALUES ('one')");
        this.jdbc.update("INSERT INTO users (name) VALUES ('two')");
        long one = count("SELECT id FROM users WHERE name = 'one'");
        long two = count("SELECT id FROM users WHERE name = 'two'");
        BelongsToDeclare.Profile profile = new BelongsToDeclare.Profile();
        profile.name = "p";
        profile.userId = one;
        Repository<BelongsToDeclare.Profile> profiles = this.db.repository(BelongsToDeclare.Profile.class);
        await(profiles.save(profile));
        Object updatedAt = this.jdbc.single("SELECT updated_at FROM profiles");
        this.jdbc.update("UPDATE profiles SET name = 'changed aside'");
        List<String> sent = step("belongs to: update the foreign key",
                () -> assertThat(await(profiles.update(profile, "userId", two))).isEqualTo(1L));
        assertThat(unquoted(sent)).containsExactly("update profiles set user_id = " + placeholder(1) + " where id = "
                + placeholder(2));
        assertThat(profile.userId).isEqualTo(two);
        Map<String, Object> row = this.jdbc.query("SELECT * FROM profiles").get(0);
        assertThat(((Number) row.get("user_id")).longValue()).isEqualTo(two);
        assertThat(row).containsEntry("name", "changed aside").containsEntry("updated_at", updatedAt);
        // GORM's spelling, Update("UserID", 2), names the same field.
        assertThat(await(profiles.update(profile, "UserID", one))).isEqualTo(1L);
        assertThat(count("SELECT user_id FROM profiles")).isEqualTo(one);
    }

    private String placeholder(int n) {
        return postgres() || database() == io.relata.testing.TestDatabase.H2 ? "$" + n : "?";
    }

    // ================================================================ cascading save: behaviour

    @Test
    void existingBelongsToTargetIsLinkedAndLeftAlone() {
        migrate(BelongsToDeclare.User.class, BelongsToDeclare.Profile.class);
        BelongsToDeclare.User user = new BelongsToDeclare.User();
        user.name = "original";
        await(this.db.repository(BelongsToDeclare.User.class).save(user));
        user.name = "changed in memory";
        BelongsToDeclare.Profile profile = new BelongsToDeclare.Profile();
        profile.name = "p";
        profile.user = user;
        List<String> sent = step("belongs to: create profile with an existing user",
                () -> await(this.db.repository(BelongsToDeclare.Profile.class).save(profile)));
        assertThat(unquoted(sent)).singleElement().asString().startsWith("insert into profiles ");
        assertThat(this.jdbc.single("SELECT name FROM users")).isEqualTo("original");
        assertThat(count("SELECT user_id FROM profiles")).isEqualTo(user.getId());
    }

    @Test
    void existingHasOneTargetIsLinkedAndLeftAlone() {
        migrate(Declare.User.class, Declare.CreditCard.class);
        Declare.CreditCard card = card("1111");
        await(this.db.repository(Declare.CreditCard.class).save(card));
        card.number = "changed in memory";
        Declare.User u = user(null);
        u.creditCard = card;
        List<String> sent = step("has one: create user with an existing card",
                () -> await(this.db.repository(Declare.User.class).save(u)));
        assertThat(unquoted(sent)).satisfiesExactly(
                s -> assertThat(s).startsWith("insert into users "),
                s -> assertThat(s).startsWith("update credit_cards set user_id = "));
        assertThat(this.jdbc.single("SELECT number FROM credit_cards")).isEqualTo("1111");
        assertThat(count("SELECT user_id FROM credit_cards")).isEqualTo(u.getId());
    }

    @Test
    void savingAnOwnerWithADifferentHasOneUnlinksTheOldOne() {
        migrate(Declare.User.class, Declare.CreditCard.class);
        Repository<Declare.User> users = this.db.repository(Declare.User.class);
        Declare.User u = await(users.save(user("old")));
        Declare.User other = await(users.save(user("other's")));
        u.creditCard = card("new");
        step("has one: save an owner holding a different card", () -> await(users.save(u)));
        assertThat(this.jdbc.query("SELECT number, user_id FROM credit_cards ORDER BY id"))
                .extracting(r -> r.get("number") + ":" + (r.get("user_id") == null ? null
                        : ((Number) r.get("user_id")).longValue()))
                .containsExactly("old:null", "other's:" + other.getId(), "new:" + u.getId());
        // Saving again with the same card changes no link.
        await(users.save(u));
        assertThat(count("SELECT COUNT(*) FROM credit_cards WHERE user_id = ?", u.getId())).isEqualTo(1);
    }

    @Test
    void replacingAHasOneUnlinksBeforeLinkingSoAUniqueForeignKeyHolds() {
        migrate(OneCardPerUser.User.class, OneCardPerUser.CreditCard.class);
        Repository<OneCardPerUser.User> users = this.db.repository(OneCardPerUser.User.class);
        List<OneCardPerUser.User> all = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            OneCardPerUser.User u = new OneCardPerUser.User();
            u.name = "u" + i;
            u.creditCard = new OneCardPerUser.CreditCard();
            u.creditCard.number = "old" + i;
            all.add(u);
        }
        awaitAll(users.saveAll(Flux.fromIterable(all)));
        OneCardPerUser.User first = all.get(0);
        first.creditCard = new OneCardPerUser.CreditCard();
        first.creditCard.number = "new0";
        List<String> sent = step("has one: save an owner with a new card, unique foreign key",
                () -> await(users.save(first)));
        assertThat(unquoted(sent)).satisfiesExactly(
                s -> assertThat(s).startsWith("update users set "),
                s -> assertThat(s).startsWith("update credit_cards set user_id = ").contains("deleted_at is null"),
                s -> assertThat(s).startsWith("insert into credit_cards "));
        assertThat(this.jdbc.single("SELECT user_id FROM credit_cards WHERE number = 'old0'")).isNull();
        assertThat(count("SELECT user_id FROM credit_cards WHERE number = 'new0'")).isEqualTo(first.getId());

        // Association mode: the same order.
        OneCardPerUser.CreditCard replacement = new OneCardPerUser.CreditCard();
        replacement.number = "newer0";
        await(users.<OneCardPerUser.CreditCard>association(first, "creditCard").replace(replacement));
        assertThat(count("SELECT user_id FROM credit_cards WHERE number = 'newer0'")).isEqualTo(first.getId());
        assertThat(count("SELECT COUNT(*) FROM credit_cards WHERE user_id IS NULL")).isEqualTo(2);

        // saveAll of existing owners with new cards: one unlink statement for all of them, not one per owner.
        for (OneCardPerUser.User u : all) {
            u.creditCard = new OneCardPerUser.CreditCard();
            u.creditCard.number = "batch-" + u.name;
        }
        List<String> batch = step("saveAll: existing owners with new cards",
                () -> awaitAll(users.saveAll(Flux.fromIterable(all))));
        assertThat(unquoted(batch)).filteredOn(s -> s.startsWith("update credit_cards")).hasSize(1);
        assertThat(unquoted(batch)).filteredOn(s -> s.startsWith("insert into credit_cards")).hasSize(1);
        for (OneCardPerUser.User u : all) {
            assertThat(this.jdbc.single("SELECT number FROM credit_cards WHERE user_id = ?", u.getId()))
                    .isEqualTo("batch-" + u.name);
        }
        assertThat(count("SELECT COUNT(*) FROM credit_cards WHERE user_id IS NULL")).isEqualTo(5);
    }

    @Test
    void savingAnOwnerWhoseHasOneIsNullLeavesTheRowLinked() {
        migrate(Declare.User.class, Declare.CreditCard.class);
        Repository<Declare.User> users = this.db.repository(Declare.User.class);
        Declare.User u = await(users.save(user("kept")));
        u.creditCard = null;
        await(users.save(u));
        assertThat(count("SELECT user_id FROM credit_cards")).isEqualTo(u.getId());
    }

    @Test
    void nestedGraphsCascadeAndCyclesStop() {
        migrate(Nested.Profile.class, Nested.User.class, Nested.CreditCard.class);
        // User.creditCard and CreditCard.user declare the same reference: one constraint (GORM does the same).
        assertThat(this.jdbc.foreignKeys("credit_cards")).containsExactly("fk_users_credit_card");
        assertThat(this.jdbc.foreignKeys("profiles")).containsExactly("fk_profiles_user");
        Nested.Profile profile = new Nested.Profile();
        profile.name = "p";
        profile.user = new Nested.User();
        profile.user.name = "u";
        profile.user.creditCard = new Nested.CreditCard();
        profile.user.creditCard.number = "9";
        profile.user.creditCard.user = profile.user;
        List<String> sent = step("nested: profile -> user -> card -> same user",
                () -> await(this.db.repository(Nested.Profile.class).save(profile)));
        assertThat(unquoted(sent)).satisfiesExactly(
                s -> assertThat(s).startsWith("insert into users "),
                s -> assertThat(s).startsWith("insert into credit_cards "),
                s -> assertThat(s).startsWith("insert into profiles "));
        assertThat(count("SELECT COUNT(*) FROM users")).isEqualTo(1);
        assertThat(count("SELECT COUNT(*) FROM profiles p JOIN users u ON p.user_id = u.id "
                + "JOIN credit_cards c ON c.user_id = u.id WHERE c.number = '9' AND p.name = 'p'")).isEqualTo(1);

        // Saved from the other end of the cycle: the card's user is saved first, once.
        Nested.CreditCard card = new Nested.CreditCard();
        card.number = "10";
        card.user = new Nested.User();
        card.user.name = "u2";
        card.user.creditCard = card;
        await(this.db.repository(Nested.CreditCard.class).save(card));
        assertThat(count("SELECT COUNT(*) FROM users")).isEqualTo(2);
        assertThat(count("SELECT COUNT(*) FROM credit_cards")).isEqualTo(2);
        assertThat(count("SELECT user_id FROM credit_cards WHERE number = '10'")).isEqualTo(card.user.getId());
    }

    @Test
    void omitSkipsTheAssociation() {
        migrate(Declare.User.class, Declare.CreditCard.class);
        Declare.User u = user("4111");
        List<String> sent = step("omit: save without the credit card",
                () -> await(this.db.repository(Declare.User.class).omit("creditCard").save(u)));
        assertThat(unquoted(sent)).singleElement().asString().startsWith("insert into users ");
        assertThat(count("SELECT COUNT(*) FROM credit_cards")).isZero();
        assertThat(u.creditCard.getId()).isNull();
        // Omit names are case-insensitive; a nested level is not omitted.
        await(this.db.repository(Declare.User.class).omit("CREDITCARD").save(user("x")));
        assertThat(count("SELECT COUNT(*) FROM credit_cards")).isZero();
    }

    @Test
    void saveAllCascadesLevelByLevelInMultiRowInserts() {
        migrate(Declare.User.class, Declare.CreditCard.class);
        List<Declare.User> users = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            users.add(user("card-" + i));
        }
        List<String> sent = step("saveAll: 2,000 users with cards",
                () -> assertThat(awaitAll(this.db.repository(Declare.User.class).saveAll(Flux.fromIterable(users))))
                        .containsExactlyElementsOf(users));
        // One INSERT per table per 1,000 rows: 4 statements, not 4,000.
        assertThat(sent).hasSizeLessThanOrEqualTo(4);
        assertThat(unquoted(sent)).allMatch(s -> s.startsWith("insert into "));
        assertThat(count("SELECT COUNT(*) FROM users")).isEqualTo(2000);
        assertThat(count("SELECT COUNT(*) FROM credit_cards")).isEqualTo(2000);
        for (int i = 0; i < users.size(); i += 97) {
            Declare.User u = users.get(i);
            assertThat(u.creditCard.userId).isEqualTo(u.getId());
            assertThat(this.jdbc.single("SELECT number FROM credit_cards WHERE user_id = ?", u.getId()))
                    .isEqualTo("card-" + i);
        }
    }

    @Test
    void saveAllCascadesBelongsToInMultiRowInserts() {
        migrate(BelongsToDeclare.User.class, BelongsToDeclare.Profile.class);
        List<BelongsToDeclare.Profile> profiles = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            BelongsToDeclare.Profile p = new BelongsToDeclare.Profile();
            p.name = "p" + i;
            p.user = new BelongsToDeclare.User();
            p.user.name = "u" + i;
            profiles.add(p);
        }
        List<String> sent = step("saveAll: 500 profiles with new users",
                () -> awaitAll(this.db.repository(BelongsToDeclare.Profile.class).saveAll(Flux.fromIterable(profiles))));
        assertThat(unquoted(sent)).satisfiesExactly(
                s -> assertThat(s).startsWith("insert into users "),
                s -> assertThat(s).startsWith("insert into profiles "));
        assertThat(count("SELECT COUNT(*) FROM profiles p JOIN users u ON p.user_id = u.id "
                + "WHERE CONCAT('p', SUBSTRING(u.name, 2)) = p.name")).isEqualTo(500);
    }

    @Test
    void aCascadeFailingHalfWayLeavesNeitherOwnerNorTarget() {
        migrate(UniqueCard.User.class, UniqueCard.CreditCard.class);
        Repository<UniqueCard.User> users = this.db.repository(UniqueCard.User.class);
        UniqueCard.User first = new UniqueCard.User();
        first.name = "first";
        first.creditCard = new UniqueCard.CreditCard();
        first.creditCard.number = "dup";
        await(users.save(first));

        UniqueCard.User second = new UniqueCard.User();
        second.name = "second";
        second.creditCard = new UniqueCard.CreditCard();
        second.creditCard.number = "dup";
        StepVerifier.create(users.save(second)).expectError(R2dbcDataIntegrityViolationException.class).verify(TIMEOUT);
        assertThat(this.jdbc.query("SELECT name FROM users")).containsExactly(Map.of("name", "first"));
        assertThat(count("SELECT COUNT(*) FROM credit_cards")).isEqualTo(1);

        // The same for saveAll: the good users before the bad one are rolled back too.
        List<UniqueCard.User> batch = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            UniqueCard.User u = new UniqueCard.User();
            u.name = "b" + i;
            u.creditCard = new UniqueCard.CreditCard();
            u.creditCard.number = i == 3 ? "dup" : "n" + i;
            batch.add(u);
        }
        StepVerifier.create(users.saveAll(Flux.fromIterable(batch)))
                .expectError(R2dbcDataIntegrityViolationException.class).verify(TIMEOUT);
        assertThat(count("SELECT COUNT(*) FROM users")).isEqualTo(1);
        assertThat(count("SELECT COUNT(*) FROM credit_cards")).isEqualTo(1);
    }

    @Test
    void aForeignKeyViolationSurfacesAsTheDriversException() {
        migrate(BelongsToDeclare.User.class, BelongsToDeclare.Profile.class);
        BelongsToDeclare.Profile profile = new BelongsToDeclare.Profile();
        profile.name = "orphan";
        profile.userId = 12345L;
        StepVerifier.create(this.db.repository(BelongsToDeclare.Profile.class).save(profile))
                .expectError(R2dbcDataIntegrityViolationException.class).verify(TIMEOUT);
        assertThat(count("SELECT COUNT(*) FROM profiles")).isZero();
    }

    // ================================================================ association mode

    @Test
    void hasOneAssociationMode() {
        migrate(Declare.User.class, Declare.CreditCard.class);
        Repository<Declare.User> users = this.db.repository(Declare.User.class);
        Declare.User u = await(users.save(user("first")));
        Declare.CreditCard first = u.creditCard;
        Association<Declare.CreditCard> creditCard = users.association(u, "creditCard");

        List<String> find = step("association: has one find", () -> assertThat(await(creditCard.find()).number)
                .isEqualTo("first"));
        assertThat(find).hasSize(1);
        step("association: has one count", () -> assertThat(await(creditCard.count())).isEqualTo(1L));

        Declare.CreditCard second = card("second");
        List<String> replace = step("association: has one replace with a new card",
                () -> await(creditCard.replace(second)));
        assertThat(unquoted(replace)).anySatisfy(s -> assertThat(s).startsWith("update credit_cards set user_id = "))
                .anySatisfy(s -> assertThat(s).startsWith("insert into credit_cards "));
        assertThat(u.creditCard).isSameAs(second);
        assertThat(second.userId).isEqualTo(u.getId());
        assertThat(this.jdbc.single("SELECT user_id FROM credit_cards WHERE id = ?", first.getId())).isNull();
        assertThat(count("SELECT user_id FROM credit_cards WHERE id = ?", second.getId())).isEqualTo(u.getId());
        assertThat(count("SELECT COUNT(*) FROM credit_cards")).as("unlinked, not deleted").isEqualTo(2);

        // append is replace for a has-one; an existing card is linked.
        step("association: has one append an existing card", () -> await(creditCard.append(first)));
        assertThat(u.creditCard).isSameAs(first);
        assertThat(count("SELECT user_id FROM credit_cards WHERE id = ?", first.getId())).isEqualTo(u.getId());
        assertThat(this.jdbc.single("SELECT user_id FROM credit_cards WHERE id = ?", second.getId())).isNull();

        // delete of a card that is not the associated one changes nothing.
        await(creditCard.delete(second));
        assertThat(count("SELECT user_id FROM credit_cards WHERE id = ?", first.getId())).isEqualTo(u.getId());
        step("association: has one delete", () -> await(creditCard.delete(first)));
        assertThat(this.jdbc.single("SELECT user_id FROM credit_cards WHERE id = ?", first.getId())).isNull();
        assertThat(u.creditCard).isNull();
        assertThat(first.userId).isNull();
        assertThat(await(creditCard.find())).isNull();
        assertThat(await(creditCard.count())).isZero();

        await(creditCard.replace(second));
        step("association: has one clear", () -> await(creditCard.clear()));
        assertThat(count("SELECT COUNT(*) FROM credit_cards WHERE user_id IS NOT NULL")).isZero();
        assertThat(u.creditCard).isNull();
        assertThat(count("SELECT COUNT(*) FROM credit_cards")).isEqualTo(2);
    }

    @Test
    void hasOneAssociationModeUnscopedDeletesRows() {
        migrate(Declare.User.class, Declare.CreditCard.class);
        Repository<Declare.User> users = this.db.repository(Declare.User.class);
        Declare.User u = await(users.save(user("first")));
        Association<Declare.CreditCard> creditCard = users.unscoped().association(u, "creditCard");
        Declare.CreditCard second = card("second");
        step("association: unscoped has one replace", () -> await(creditCard.replace(second)));
        assertThat(this.jdbc.query("SELECT number FROM credit_cards")).containsExactly(Map.of("number", "second"));
        step("association: unscoped has one clear", () -> await(creditCard.clear()));
        assertThat(count("SELECT COUNT(*) FROM credit_cards")).isZero();
        assertThat(u.creditCard).isNull();
        await(creditCard.replace(card("third")));
        await(creditCard.delete(u.creditCard));
        assertThat(count("SELECT COUNT(*) FROM credit_cards")).isZero();
    }

    @Test
    void belongsToAssociationMode() {
        migrate(BelongsToDeclare.User.class, BelongsToDeclare.Profile.class);
        Repository<BelongsToDeclare.Profile> profiles = this.db.repository(BelongsToDeclare.Profile.class);
        BelongsToDeclare.Profile profile = new BelongsToDeclare.Profile();
        profile.name = "p";
        profile.user = new BelongsToDeclare.User();
        profile.user.name = "jinzhu";
        await(profiles.save(profile));
        BelongsToDeclare.User old = profile.user;
        Association<BelongsToDeclare.User> user = profiles.association(profile, "user");
        step("association: belongs to find", () -> assertThat(await(user.find()).name).isEqualTo("jinzhu"));
        assertThat(await(user.count())).isEqualTo(1L);

        BelongsToDeclare.User newUser = new BelongsToDeclare.User();
        newUser.name = "new owner";
        List<String> replace = step("association: belongs to replace with a new user",
                () -> await(user.replace(newUser)));
        assertThat(unquoted(replace)).satisfiesExactly(
                s -> assertThat(s).startsWith("insert into users "),
                s -> assertThat(s).startsWith("update profiles set user_id = "));
        assertThat(profile.user).isSameAs(newUser);
        assertThat(profile.userId).isEqualTo(newUser.getId());
        assertThat(count("SELECT user_id FROM profiles")).isEqualTo(newUser.getId());
        assertThat(this.jdbc.single("SELECT name FROM users WHERE id = ?", old.getId()))
                .as("the old user is untouched").isEqualTo("jinzhu");

        // delete of a user that is not the associated one changes nothing.
        await(user.delete(old));
        assertThat(count("SELECT user_id FROM profiles")).isEqualTo(newUser.getId());
        step("association: belongs to delete", () -> await(user.delete(newUser)));
        assertThat(this.jdbc.single("SELECT user_id FROM profiles")).isNull();
        assertThat(profile.user).isNull();
        assertThat(profile.userId).isNull();
        assertThat(await(user.find())).isNull();
        assertThat(await(user.count())).isZero();

        await(user.append(old));
        assertThat(count("SELECT user_id FROM profiles")).isEqualTo(old.getId());
        step("association: belongs to clear", () -> await(user.clear()));
        assertThat(this.jdbc.single("SELECT user_id FROM profiles")).isNull();
        assertThat(count("SELECT COUNT(*) FROM users")).isEqualTo(2);
    }

    @Test
    void belongsToAssociationModeUnscopedDeletesTheOldTarget() {
        migrate(BelongsToDeclare.User.class, BelongsToDeclare.Profile.class);
        Repository<BelongsToDeclare.Profile> profiles = this.db.repository(BelongsToDeclare.Profile.class);
        BelongsToDeclare.Profile profile = new BelongsToDeclare.Profile();
        profile.name = "p";
        profile.user = new BelongsToDeclare.User();
        profile.user.name = "old";
        await(profiles.save(profile));
        Association<BelongsToDeclare.User> user = profiles.unscoped().association(profile, "user");
        BelongsToDeclare.User newUser = new BelongsToDeclare.User();
        newUser.name = "new";
        step("association: unscoped belongs to replace", () -> await(user.replace(newUser)));
        assertThat(this.jdbc.query("SELECT name FROM users")).containsExactly(Map.of("name", "new"));
        step("association: unscoped belongs to clear", () -> await(user.clear()));
        assertThat(count("SELECT COUNT(*) FROM users")).isZero();
        assertThat(this.jdbc.single("SELECT user_id FROM profiles")).isNull();
    }

    @Test
    void polymorphicAssociationModeKeepsToTheOwnerType() {
        migrate(Polymorphic.Cat.class, Polymorphic.Dog.class, Polymorphic.Toy.class);
        Polymorphic.Dog dog = new Polymorphic.Dog();
        dog.name = "dog1";
        dog.toy = new Polymorphic.Toy();
        dog.toy.name = "dog toy";
        await(this.db.repository(Polymorphic.Dog.class).save(dog));
        Polymorphic.Cat cat = new Polymorphic.Cat();
        cat.name = "cat1";
        cat.toy = new Polymorphic.Toy();
        cat.toy.name = "cat toy";
        await(this.db.repository(Polymorphic.Cat.class).save(cat));
        assertThat(cat.id).as("same owner id, different owner type").isEqualTo(dog.id);

        Association<Polymorphic.Toy> toy = this.db.repository(Polymorphic.Dog.class).association(dog, "toy");
        List<String> find = step("association: polymorphic find", () -> assertThat(await(toy.find()).name)
                .isEqualTo("dog toy"));
        assertThat(unquoted(find).get(0)).contains("owner_type");
        assertThat(await(toy.count())).isEqualTo(1L);

        Polymorphic.Toy ball = new Polymorphic.Toy();
        ball.name = "ball";
        step("association: polymorphic replace", () -> await(toy.replace(ball)));
        assertThat(ball.ownerType).isEqualTo("dogs");
        assertThat(this.jdbc.query("SELECT name, owner_id, owner_type FROM toys ORDER BY name"))
                .extracting(r -> r.get("name") + ":" + (r.get("owner_id") == null ? null
                        : ((Number) r.get("owner_id")).intValue()) + ":" + r.get("owner_type"))
                .containsExactly("ball:" + dog.id + ":dogs", "cat toy:" + cat.id + ":cats", "dog toy:null:dogs");

        step("association: polymorphic clear", () -> await(toy.clear()));
        assertThat(count("SELECT COUNT(*) FROM toys WHERE owner_id IS NOT NULL")).isEqualTo(1);
        assertThat(this.jdbc.single("SELECT name FROM toys WHERE owner_id IS NOT NULL")).isEqualTo("cat toy");
        assertThat(await(this.db.repository(Polymorphic.Cat.class).<Polymorphic.Toy>association(cat, "toy").find())
                .name).isEqualTo("cat toy");
    }

    @Test
    void associationModeNeedsAnOwnerWithAPrimaryKey() {
        migrate(Declare.User.class, Declare.CreditCard.class);
        Association<Declare.CreditCard> creditCard = this.db.repository(Declare.User.class)
                .association(user(null), "creditCard");
        StepVerifier.create(creditCard.find()).expectErrorSatisfies(e -> assertThat(e)
                .isInstanceOf(AssociationException.class).hasMessageContaining("primary key")).verify(TIMEOUT);
        StepVerifier.create(creditCard.count()).expectError(AssociationException.class).verify(TIMEOUT);
        StepVerifier.create(creditCard.replace(card("x"))).expectError(AssociationException.class).verify(TIMEOUT);
        StepVerifier.create(creditCard.append(card("x"))).expectError(AssociationException.class).verify(TIMEOUT);
        StepVerifier.create(creditCard.delete(card("x"))).expectError(AssociationException.class).verify(TIMEOUT);
        StepVerifier.create(creditCard.clear()).expectError(AssociationException.class).verify(TIMEOUT);
        assertThat(this.statements).isEmpty();
        assertThat(count("SELECT COUNT(*) FROM credit_cards")).isZero();
    }

    @Test
    void unknownAssociationNamesFailBeforeAnySql() {
        migrate(Declare.User.class, Declare.CreditCard.class);
        Repository<Declare.User> users = this.db.repository(Declare.User.class);
        Declare.User u = await(users.save(user("x")));
        this.statements.clear();
        assertThatThrownBy(() -> users.association(u, "account"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("account")
                .hasMessageContaining("creditCard");
        assertThatThrownBy(() -> users.delete(u, "account"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("creditCard");
        assertThatThrownBy(() -> users.omit("account"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("creditCard");
        assertThat(this.statements).isEmpty();
    }

    // ================================================================ delete with select

    @Test
    void deleteWithSelectSoftDeletesTheHasOneRowWithTheOwner() {
        migrate(Declare.User.class, Declare.CreditCard.class);
        Repository<Declare.User> users = this.db.repository(Declare.User.class);
        Declare.User u = await(users.save(user("4111")));
        Declare.User other = await(users.save(user("4222")));
        List<String> sent = step("delete with select: soft", () -> assertThat(await(users.delete(u, "creditCard")))
                .isEqualTo(1L));
        assertThat(unquoted(sent)).satisfiesExactly(
                s -> assertThat(s).startsWith("update credit_cards set deleted_at = "),
                s -> assertThat(s).startsWith("update users set deleted_at = "));
        assertThat(count("SELECT COUNT(*) FROM credit_cards WHERE deleted_at IS NOT NULL AND user_id = ?", u.getId()))
                .isEqualTo(1);
        assertThat(count("SELECT COUNT(*) FROM users WHERE deleted_at IS NOT NULL")).isEqualTo(1);
        assertThat(this.jdbc.single("SELECT deleted_at FROM credit_cards WHERE user_id = ?", other.getId())).isNull();
        assertThat(await(users.findById(u.getId()))).isNull();

        List<String> hard = step("delete with select: unscoped (hard)",
                () -> assertThat(await(users.unscoped().delete(other, "creditCard"))).isEqualTo(1L));
        assertThat(unquoted(hard)).satisfiesExactly(
                s -> assertThat(s).startsWith("delete from credit_cards where "),
                s -> assertThat(s).startsWith("delete from users where "));
        assertThat(count("SELECT COUNT(*) FROM users WHERE id = ?", other.getId())).isZero();
        assertThat(count("SELECT COUNT(*) FROM credit_cards WHERE user_id = ?", other.getId())).isZero();
    }

    @Test
    void deleteWithSelectOfAPolymorphicHasOneDeletesOnlyThatOwnersRow() {
        migrate(Polymorphic.Cat.class, Polymorphic.Dog.class, Polymorphic.Toy.class);
        Polymorphic.Dog dog = new Polymorphic.Dog();
        dog.name = "dog1";
        dog.toy = new Polymorphic.Toy();
        dog.toy.name = "dog toy";
        await(this.db.repository(Polymorphic.Dog.class).save(dog));
        Polymorphic.Cat cat = new Polymorphic.Cat();
        cat.name = "cat1";
        cat.toy = new Polymorphic.Toy();
        cat.toy.name = "cat toy";
        await(this.db.repository(Polymorphic.Cat.class).save(cat));
        step("delete with select: polymorphic",
                () -> assertThat(await(this.db.repository(Polymorphic.Dog.class).delete(dog, "toy"))).isEqualTo(1L));
        assertThat(this.jdbc.query("SELECT name FROM toys")).containsExactly(Map.of("name", "cat toy"));
        assertThat(count("SELECT COUNT(*) FROM dogs")).isZero();
        assertThat(count("SELECT COUNT(*) FROM cats")).isEqualTo(1);
    }

    @Test
    void deleteWithSelectRejectsABelongsTo() {
        migrate(BelongsToDeclare.User.class, BelongsToDeclare.Profile.class);
        BelongsToDeclare.Profile profile = new BelongsToDeclare.Profile();
        profile.name = "p";
        profile.user = new BelongsToDeclare.User();
        profile.user.name = "u";
        Repository<BelongsToDeclare.Profile> profiles = this.db.repository(BelongsToDeclare.Profile.class);
        await(profiles.save(profile));
        this.statements.clear();
        assertThatThrownBy(() -> profiles.delete(profile, "user"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("belongs-to");
        assertThat(this.statements).isEmpty();
        assertThat(count("SELECT COUNT(*) FROM profiles WHERE deleted_at IS NULL")).isEqualTo(1);
    }
}
