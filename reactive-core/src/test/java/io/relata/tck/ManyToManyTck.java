package io.relata.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.relata.MappingException;
import io.relata.Model;
import io.relata.Repository;
import io.relata.annotation.Action;
import io.relata.annotation.Id;
import io.relata.annotation.ManyToMany;
import io.relata.annotation.Table;
import io.relata.annotation.UniqueIndex;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;

/**
 * Many-to-many on every database: every example of GORM's Many To Many page (gorm.io/docs/many_to_many.html) as
 * Java, with the statements checked by count and shape and the rows, join rows and schema checked through plain
 * JDBC: migration of join tables, cascading saves with join rows, back-references, custom keys, self-reference, a
 * join entity with columns of its own (GORM's SetupJoinTable), constraints, association mode, delete with select.
 */
public abstract class ManyToManyTck extends AssociationTestSupport {

    // ---------------------------------------------------------------- many_to_many.html models

    /** "Many To Many" and "Back-Reference": {@code many2many:user_languages} on both sides. */
    public static class Declare {
        public static class User extends Model {
            String name;
            @ManyToMany(joinTable = "user_languages")
            List<Language> languages;
        }

        public static class Language extends Model {
            String name;
            @ManyToMany(joinTable = "user_languages")
            List<User> users;
        }
    }

    /** "Override Foreign Key": {@code foreignKey:Refer;joinForeignKey:UserReferID;References:UserRefer;...}. */
    public static class OverrideKeys {
        public static class User extends Model {
            @ManyToMany(joinTable = "user_profiles", foreignKey = "Refer", joinForeignKey = "UserReferID",
                    references = "UserRefer", joinReferences = "ProfileRefer")
            List<Profile> profiles;
            @UniqueIndex
            Long refer;
        }

        public static class Profile extends Model {
            String name;
            @UniqueIndex
            Long userRefer;
        }
    }

    /** "Self-Referential Many2Many": {@code Friends []*User gorm:"many2many:user_friends"}. */
    public static class SelfReferential {
        public static class User extends Model {
            String name;
            @ManyToMany(joinTable = "user_friends")
            List<User> friends;
        }
    }

    /** "Customize JoinTable": {@code SetupJoinTable(&Person{}, "Addresses", &PersonAddress{})}. */
    public static class JoinEntity {
        public static class Person {
            Integer id;
            String name;
            @ManyToMany(joinTable = "person_addresses", joinEntity = PersonAddress.class)
            List<Address> addresses;
        }

        public static class Address {
            Integer id;
            String name;
        }

        @Table("person_addresses")
        public static class PersonAddress {
            @Id
            Integer personId;
            @Id
            Integer addressId;
            Instant createdAt;
            Instant deletedAt;
        }
    }

    /** "FOREIGN KEY Constraints": {@code many2many:user_speaks} to a language keyed by its code. */
    public static class Constraints {
        public static class User extends Model {
            @ManyToMany(joinTable = "user_speaks", onUpdate = Action.CASCADE, onDelete = Action.CASCADE)
            List<Language> languages;
        }

        public static class Language {
            @Id
            String code;
            String name;
        }
    }

    /** "Composite Foreign Keys": composite primary keys are not supported on entities. */
    public static class Composite {
        public static class Tag {
            @Id
            Long id;
            @Id
            String locale;
            String value;
        }
    }

    private Repository<Declare.User> users() {
        return this.db.repository(Declare.User.class);
    }

    private static Declare.User user(String name, Declare.Language... languages) {
        Declare.User u = new Declare.User();
        u.name = name;
        u.languages = new ArrayList<>(List.of(languages));
        return u;
    }

    private static Declare.Language language(String name) {
        Declare.Language l = new Declare.Language();
        l.name = name;
        return l;
    }

    private List<String> languagesOf(long userId) {
        return column("SELECT l.name FROM languages l JOIN user_languages j ON j.language_id = l.id "
                + "WHERE j.user_id = ? ORDER BY l.id", userId);
    }

    // ================================================================ migrate

    @Test
    void migrateCreatesTheJoinTableOnceWithKeysConstraintsAndIndex() {
        step("many to many: migrate", () -> this.db.migrate(Declare.User.class, Declare.Language.class)
                .block(TIMEOUT));
        assertThat(this.jdbc.tables()).contains("users", "languages", "user_languages");
        assertThat(primaryKey("user_languages")).containsExactly("user_id", "language_id");
        assertThat(this.jdbc.foreignKeys("user_languages"))
                .containsExactly("fk_user_languages_language", "fk_user_languages_user");
        assertThat(indexes("user_languages")).contains("idx_user_languages_language_id");
        assertThat(this.statements.stream().filter(s -> unquoted(s).startsWith("create table if not exists user_"
                + "languages"))).as("both sides declare it; created once").hasSize(1);
        this.statements.clear();
        this.db.migrate(Declare.User.class, Declare.Language.class).block(TIMEOUT);
        assertThat(this.statements).as("idempotent").noneMatch(s -> s.startsWith("ALTER")
                || s.startsWith("CREATE TABLE "));
        assertThat(await(this.db.validate(Declare.User.class, Declare.Language.class)).problems())
                .as("validate reads the join table too, and finds nothing to report").isEmpty();
        // ON DELETE CASCADE by default: deleting a user deletes its join rows, not the languages.
        Declare.User u = await(users().save(user("jinzhu", language("EN"))));
        this.jdbc.update("DELETE FROM users WHERE id = ?", u.getId());
        assertThat(count("SELECT COUNT(*) FROM user_languages")).isZero();
        assertThat(count("SELECT COUNT(*) FROM languages")).isEqualTo(1);
    }

    // ================================================================ create, back-reference, retrieve

    @Test
    void createInsertsOwnerTargetsAndJoinRows() {
        migrate(Declare.User.class, Declare.Language.class);
        Declare.Language zh = language("ZH");
        Declare.User john = user("John", zh, language("EN"));
        List<String> sent = step("many to many: create user with languages", () -> await(users().save(john)));
        assertThat(unquoted(sent)).satisfiesExactly(
                s -> assertThat(s).startsWith("insert into users "),
                s -> assertThat(s).startsWith("insert into languages ").matches(this::multiRowInsert),
                s -> assertThat(s).contains("user_languages").contains("user_id, language_id"));
        assertThat(languagesOf(john.getId())).containsExactly("ZH", "EN");
        // GORM's second user: ZH exists (linked, not inserted again), FR is new.
        Declare.User henry = user("Henry", zh, language("FR"));
        List<String> second = step("many to many: create user with an existing language",
                () -> await(users().save(henry)));
        assertThat(unquoted(second)).hasSize(3).anySatisfy(s -> assertThat(s).startsWith("insert into languages ")
                .doesNotMatch(this::multiRowInsert));
        assertThat(count("SELECT COUNT(*) FROM languages")).isEqualTo(3);
        assertThat(languagesOf(henry.getId())).containsExactly("ZH", "FR");
        // Saving again links nothing twice.
        await(users().save(henry));
        assertThat(count("SELECT COUNT(*) FROM user_languages")).isEqualTo(4);
    }

    @Test
    void backReferencesPreloadBothWays() {
        migrate(Declare.User.class, Declare.Language.class);
        Declare.Language en = language("EN");
        await(users().saveAll(Flux.just(user("a", en, language("DE")), user("b", en), user("c"))).then());
        this.statements.clear();
        List<Declare.User> users = awaitAll(users().findAll().orderBy("id").preload("languages"));
        assertThat(users).extracting(u -> u.languages.stream().map(l -> l.name).toList())
                .containsExactly(List.of("EN", "DE"), List.of("EN"), List.of());
        assertThat(users.get(0).languages.get(0)).as("one instance per language in a batch")
                .isSameAs(users.get(1).languages.get(0));
        assertThat(this.statements).hasSize(2);
        assertThat(unquoted(this.statements.get(1))).contains("join user_languages on user_languages.language_id = "
                + "languages.id").doesNotContain("from users");
        List<Declare.Language> languages = awaitAll(this.db.repository(Declare.Language.class).findAll()
                .orderBy("id").preload("users"));
        assertThat(languages).extracting(l -> l.users.stream().map(u -> u.name).toList())
                .containsExactly(List.of("a", "b"), List.of("a"));
    }

    @Test
    void joinTablesOfSeveralThousandOwnersSaveInAFewStatements() {
        migrate(Declare.User.class, Declare.Language.class);
        List<Declare.Language> shared = List.of(language("EN"), language("FR"), language("DE"));
        await(this.db.repository(Declare.Language.class).saveAll(Flux.fromIterable(shared)).then());
        List<Declare.User> many = new ArrayList<>();
        for (int i = 0; i < 1_000; i++) {
            many.add(user("u" + i, shared.get(i % 3), shared.get((i + 1) % 3)));
        }
        List<String> sent = step("many to many: saveAll 1,000 users with 2 languages",
                () -> awaitAll(users().saveAll(Flux.fromIterable(many))));
        assertThat(sent).hasSizeLessThanOrEqualTo(4);
        assertThat(count("SELECT COUNT(*) FROM user_languages")).isEqualTo(2_000);
        assertThat(count("SELECT COUNT(*) FROM languages")).isEqualTo(3);
    }

    @Test
    void overriddenKeysNameTheJoinColumns() {
        migrate(OverrideKeys.User.class, OverrideKeys.Profile.class);
        assertThat(columns("user_profiles")).containsExactly("user_refer_id", "profile_refer");
        assertThat(this.jdbc.foreignKeys("user_profiles")).hasSize(2);
        OverrideKeys.User u = new OverrideKeys.User();
        u.refer = 42L;
        OverrideKeys.Profile p = new OverrideKeys.Profile();
        p.name = "p";
        p.userRefer = 7L;
        u.profiles = List.of(p);
        step("many to many: override keys", () -> await(this.db.repository(OverrideKeys.User.class).save(u)));
        assertThat(this.jdbc.query("SELECT user_refer_id, profile_refer FROM user_profiles"))
                .singleElement().satisfies(row -> {
                    assertThat(((Number) row.get("user_refer_id")).longValue()).isEqualTo(42L);
                    assertThat(((Number) row.get("profile_refer")).longValue()).isEqualTo(7L);
                });
        OverrideKeys.User loaded = awaitAll(this.db.repository(OverrideKeys.User.class).findAll().preload("profiles")).get(0);
        assertThat(loaded.profiles).extracting(x -> x.name).containsExactly("p");
    }

    @Test
    void selfReferentialFriendsUseUserIdAndFriendId() {
        migrate(SelfReferential.User.class);
        assertThat(primaryKey("user_friends")).containsExactly("user_id", "friend_id");
        assertThat(this.jdbc.foreignKeys("user_friends")).containsExactly("fk_user_friends_friends",
                "fk_user_friends_user");
        SelfReferential.User ann = new SelfReferential.User();
        ann.name = "ann";
        SelfReferential.User bob = new SelfReferential.User();
        bob.name = "bob";
        SelfReferential.User cid = new SelfReferential.User();
        cid.name = "cid";
        ann.friends = List.of(bob, cid);
        bob.friends = List.of(ann);
        step("many to many: self-referential friends",
                () -> await(this.db.repository(SelfReferential.User.class).save(ann)));
        assertThat(column("SELECT CONCAT(user_id, '-', friend_id) FROM user_friends ORDER BY user_id, friend_id"))
                .containsExactly(ann.getId() + "-" + bob.getId(), ann.getId() + "-" + cid.getId(),
                        bob.getId() + "-" + ann.getId());
        List<SelfReferential.User> all = awaitAll(this.db.repository(SelfReferential.User.class).findAll()
                .orderBy("id").preload("friends.friends"));
        assertThat(all.get(0).friends).extracting(u -> u.name).containsExactly("bob", "cid");
        assertThat(all.get(0).friends.get(0).friends).extracting(u -> u.name).containsExactly("ann");
        assertThat(all.get(2).friends).isEmpty();
    }

    // ================================================================ join entity, constraints, composite keys

    @Test
    void aJoinEntityStampsSoftDeletesAndRevivesItsRows() {
        migrate(JoinEntity.Person.class, JoinEntity.Address.class);
        assertThat(primaryKey("person_addresses")).containsExactly("person_id", "address_id");
        JoinEntity.Person p = new JoinEntity.Person();
        p.name = "jinzhu";
        JoinEntity.Address home = new JoinEntity.Address();
        home.name = "home";
        JoinEntity.Address work = new JoinEntity.Address();
        work.name = "work";
        p.addresses = List.of(home, work);
        Repository<JoinEntity.Person> people = this.db.repository(JoinEntity.Person.class);
        await(people.save(p));
        assertThat(count("SELECT COUNT(*) FROM person_addresses WHERE created_at IS NOT NULL")).isEqualTo(2);
        List<String> sent = step("many to many: join entity, delete a pair", () -> await(people
                .<JoinEntity.Address>association(p, "addresses").delete(home)));
        assertThat(unquoted(sent)).singleElement().asString().startsWith("update person_addresses set deleted_at = ");
        assertThat(count("SELECT COUNT(*) FROM person_addresses")).as("soft-deleted, still there").isEqualTo(2);
        assertThat(awaitAll(people.findAll().preload("addresses")).get(0).addresses).extracting(a -> a.name)
                .containsExactly("work");
        assertThat(await(people.association(p, "addresses").count())).isEqualTo(1L);
        await(people.<JoinEntity.Address>association(p, "addresses").append(home));
        assertThat(count("SELECT COUNT(*) FROM person_addresses WHERE deleted_at IS NULL")).as("revived").isEqualTo(2);
        assertThat(awaitAll(people.unscoped().findAll().preload("addresses")).get(0).addresses).hasSize(2);
        assertThatThrownBy(() -> this.db.repository(JoinEntity.PersonAddress.class))
                .isInstanceOf(MappingException.class).hasMessageContaining("composite primary key");
    }

    @Test
    void constraintActionsCascadeKeyUpdatesToTheJoinRows() {
        migrate(Constraints.User.class, Constraints.Language.class);
        assertThat(this.jdbc.foreignKeys("user_speaks")).containsExactly("fk_user_speaks_language",
                "fk_user_speaks_user");
        Constraints.Language en = new Constraints.Language();
        en.code = "en";
        en.name = "English";
        // A key set by hand makes it an existing row to a cascade (linked, not inserted): save it first.
        await(this.db.repository(Constraints.Language.class).save(en));
        Constraints.User u = new Constraints.User();
        u.languages = List.of(en);
        await(this.db.repository(Constraints.User.class).save(u));
        assertThat(this.jdbc.single("SELECT language_code FROM user_speaks")).isEqualTo("en");
        this.jdbc.update("UPDATE languages SET code = 'en-GB' WHERE code = 'en'");
        assertThat(this.jdbc.single("SELECT language_code FROM user_speaks")).as("ON UPDATE CASCADE")
                .isEqualTo("en-GB");
        this.jdbc.update("DELETE FROM languages");
        assertThat(count("SELECT COUNT(*) FROM user_speaks")).as("ON DELETE CASCADE").isZero();
    }

    @Test
    void compositePrimaryKeysAreAClearMappingError() {
        assertThatThrownBy(() -> this.db.repository(Composite.Tag.class))
                .isInstanceOf(MappingException.class).hasMessageContaining("composite primary key");
    }

    @Test
    void joinsOnAManyToManyIsAnErrorNamingPreload() {
        migrate(Declare.User.class, Declare.Language.class);
        assertThatThrownBy(() -> users().findAll().joins("languages"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("many-to-many").hasMessageContaining("preload(\"languages\")");
        assertThat(this.statements).isEmpty();
    }

    // ================================================================ association mode

    @Test
    void associationModeAppendsReplacesDeletesAndCounts() {
        migrate(Declare.User.class, Declare.Language.class);
        Declare.Language en = language("EN");
        Declare.Language fr = language("FR");
        Declare.User u = await(users().save(user("jinzhu", en)));
        var languages = users().<Declare.Language>association(u, "languages");

        List<String> append = step("many to many: association append", () -> await(languages.appendAll(List.of(fr,
                en))));
        assertThat(unquoted(append)).satisfiesExactly(
                s -> assertThat(s).startsWith("insert into languages "),
                s -> assertThat(s).contains("user_languages"));
        assertThat(languagesOf(u.getId())).containsExactly("EN", "FR");
        assertThat(u.languages).extracting(l -> l.name).containsExactly("EN", "FR");

        List<String> find = step("many to many: association find", () -> assertThat(awaitAll(languages.findAll()))
                .extracting(l -> l.name).containsExactly("EN", "FR"));
        assertThat(unquoted(find)).singleElement().asString()
                .contains("languages.id in (select user_languages.language_id from user_languages where "
                        + "user_languages.user_id = ");
        assertThat(await(languages.count())).isEqualTo(2L);

        Declare.Language de = language("DE");
        List<String> replace = step("many to many: association replace", () -> await(languages.replaceAll(
                List.of(fr, de))));
        assertThat(unquoted(replace).get(replace.size() - 1)).startsWith("delete from user_languages where ")
                .contains("language_id not in (");
        assertThat(languagesOf(u.getId())).containsExactly("FR", "DE");

        List<String> delete = step("many to many: association delete", () -> await(languages.delete(fr)));
        assertThat(unquoted(delete)).singleElement().asString().startsWith("delete from user_languages where ");
        assertThat(languagesOf(u.getId())).containsExactly("DE");
        assertThat(count("SELECT COUNT(*) FROM languages")).as("targets are never deleted").isEqualTo(3);
        await(users().unscoped().<Declare.Language>association(u, "languages").delete(de));
        assertThat(count("SELECT COUNT(*) FROM languages")).as("not even unscoped").isEqualTo(3);

        await(languages.append(en));
        step("many to many: association clear", () -> await(languages.clear()));
        assertThat(count("SELECT COUNT(*) FROM user_languages")).isZero();
        assertThat(u.languages).isEmpty();
    }

    @Test
    void associationModeOverSeveralOwnersSharingTargets() {
        migrate(Declare.User.class, Declare.Language.class);
        Declare.Language en = language("EN");
        Declare.User a = await(users().save(user("a", en, language("DE"))));
        Declare.User b = await(users().save(user("b", en)));
        var both = users().<Declare.Language>association(List.of(a, b), "languages");
        assertThat(awaitAll(both.findAll())).as("each shared target once").extracting(l -> l.name)
                .containsExactly("EN", "DE");
        assertThat(await(both.count())).isEqualTo(2L);
        await(both.deleteAll(List.of(en)));
        assertThat(languagesOf(a.getId())).containsExactly("DE");
        assertThat(languagesOf(b.getId())).isEmpty();
        // One value per owner: a gets exactly FR, b exactly EN.
        await(both.replaceAll(List.of(language("FR"), en)));
        assertThat(languagesOf(a.getId())).containsExactly("FR");
        assertThat(languagesOf(b.getId())).containsExactly("EN");
    }

    // ================================================================ delete with select

    @Test
    void deleteWithSelectRemovesOnlyTheJoinRows() {
        migrate(Declare.User.class, Declare.Language.class);
        Declare.Language en = language("EN");
        Declare.User a = await(users().save(user("a", en)));
        Declare.User b = await(users().save(user("b", en)));
        List<String> sent = step("many to many: delete with select", () -> assertThat(await(users().delete(a,
                "languages"))).isEqualTo(1L));
        assertThat(unquoted(sent)).satisfiesExactly(
                s -> assertThat(s).startsWith("delete from user_languages where user_languages.user_id = "),
                s -> assertThat(s).startsWith("update users set deleted_at = "));
        assertThat(languagesOf(a.getId())).isEmpty();
        assertThat(languagesOf(b.getId())).containsExactly("EN");
        assertThat(this.jdbc.query("SELECT name FROM languages")).containsExactly(Map.of("name", "EN"));
    }
}
