package io.relata.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.relata.MappingException;
import io.relata.Model;
import io.relata.annotation.Action;
import io.relata.annotation.BelongsTo;
import io.relata.annotation.HasOne;
import io.relata.annotation.Index;
import io.relata.tck.AssociationTck.BelongsToConstraints;
import io.relata.tck.AssociationTck.BelongsToDeclare;
import io.relata.tck.AssociationTck.BelongsToForeignKey;
import io.relata.tck.AssociationTck.BelongsToReferences;
import io.relata.tck.AssociationTck.Declare;
import io.relata.tck.AssociationTck.HasOneConstraints;
import io.relata.tck.AssociationTck.HasOneForeignKey;
import io.relata.tck.AssociationTck.HasOneReferences;
import io.relata.tck.AssociationTck.SelfReferential;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * Migration of associations on every database: foreign-key constraints (placement, GORM's names, actions proven
 * by the database itself through plain SQL), dependency order, unique referenced columns, polymorphic and
 * self-referential relationships, cycles, and idempotence. The models are those of the GORM has-one and
 * belongs-to pages (shared/gorm/has_one.md, belongs_to.md).
 */
public abstract class MigrationTck extends DatabaseTestSupport {

    // The GORM page models that are identical here and in AssociationTck are imported from there; the ones below
    // differ (or exist only here) and must stay separate.

    public static class NonUniqueWithActions {
        public static class User extends Model {
            @Index
            String name;
            @HasOne(foreignKey = "UserName", references = "name", onDelete = Action.CASCADE)
            CreditCard creditCard;
        }

        public static class CreditCard extends Model {
            String number;
            String userName;
        }
    }

    // has_one.md "Polymorphism Association".
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

    // DESIGN.md: an explicit self-referential has-one.
    public static class SelfHasOne {
        public static class Node {
            Long id;
            String name;
            Long parentId;
            @HasOne(foreignKey = "parentId", onDelete = Action.CASCADE)
            Node child;
        }
    }

    // A cycle: each table references the other.
    public static class Cycle {
        public static class Husband {
            Long id;
            String name;
            Long wifeId;
            @BelongsTo
            Wife wife;
        }

        public static class Wife {
            Long id;
            String name;
            Long husbandId;
            @BelongsTo
            Husband husband;
        }
    }

    /** Migrates like {@link #migrate}, logging the DDL for docs/associations.md (see {@link SqlLog}). */
    private void migrateLogged(String title, Class<?>... entities) {
        this.statements.clear();
        this.db.migrate(entities).block(TIMEOUT);
        SqlLog.append(database(), getClass().getSimpleName(), title, ddl());
        this.statements.clear();
    }

    private List<String> ddl() {
        List<String> out = new ArrayList<>();
        for (String s : this.statements) {
            String u = s.toUpperCase(Locale.ROOT);
            if (u.startsWith("CREATE") || u.startsWith("ALTER")) {
                out.add(s);
            }
        }
        return out;
    }

    private String columnType(String table, String column) {
        return String.valueOf(this.jdbc.single("SELECT data_type FROM information_schema.columns WHERE "
                + "LOWER(table_name) = ? AND LOWER(column_name) = ? AND table_schema = "
                + (database() == io.relata.testing.TestDatabase.MARIADB ? "DATABASE()"
                        : database() == io.relata.testing.TestDatabase.POSTGRES ? "current_schema()" : "CURRENT_SCHEMA"),
                table, column)).toLowerCase(Locale.ROOT);
    }

    @Test
    void hasOneConstraintLivesOnTheOwnedTable() {
        migrateLogged("migrate: has one", Declare.User.class, Declare.CreditCard.class);
        assertThat(this.jdbc.foreignKeys("credit_cards")).containsExactly("fk_users_credit_card");
        assertThat(this.jdbc.foreignKeys("users")).isEmpty();
        this.jdbc.update("INSERT INTO users (created_at) VALUES (CURRENT_TIMESTAMP)");
        long user = this.jdbc.count("SELECT MAX(id) FROM users");
        this.jdbc.update("INSERT INTO credit_cards (number, user_id) VALUES ('n1', ?)", user);
        assertThatThrownBy(() -> this.jdbc.update("INSERT INTO credit_cards (number, user_id) VALUES ('n2', ?)",
                user + 1000)).as("the database enforces the constraint").isInstanceOf(IllegalStateException.class);
        // Without actions, deleting a referenced user is rejected by the database.
        assertThatThrownBy(() -> this.jdbc.update("DELETE FROM users WHERE id = ?", user))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void tablesAreCreatedInDependencyOrderAndConstraintsLast() {
        this.db.migrate(Declare.CreditCard.class, Declare.User.class).block(TIMEOUT);
        List<String> ddl = ddl();
        int users = indexOf(ddl, "CREATE TABLE", "users");
        int cards = indexOf(ddl, "CREATE TABLE", "credit_cards");
        int constraint = indexOf(ddl, "ALTER TABLE", "fk_users_credit_card");
        assertThat(users).as("referenced table first: %s", ddl).isNotNegative().isLessThan(cards);
        assertThat(constraint).as("constraint after every table: %s", ddl).isGreaterThan(cards);
        assertThat(ddl.get(constraint)).contains("FOREIGN KEY").contains("REFERENCES");
    }

    private static int indexOf(List<String> statements, String prefix, String name) {
        for (int i = 0; i < statements.size(); i++) {
            String s = statements.get(i);
            String unquoted = s.replace("\"", "").replace("`", "").toLowerCase(Locale.ROOT);
            if (s.toUpperCase(Locale.ROOT).startsWith(prefix) && (unquoted.contains(" " + name + " ")
                    || unquoted.contains(" " + name + "(") || unquoted.endsWith(" " + name))) {
                return i;
            }
        }
        return -1;
    }

    @Test
    void migrateIsIdempotent() {
        migrate(HasOneConstraints.User.class, HasOneConstraints.CreditCard.class, BelongsToReferences.User.class,
                BelongsToReferences.Profile.class);
        List<String> before = new ArrayList<>(this.jdbc.foreignKeys("credit_cards"));
        before.addAll(this.jdbc.foreignKeys("profiles"));
        this.db.migrate(HasOneConstraints.User.class, HasOneConstraints.CreditCard.class,
                BelongsToReferences.User.class, BelongsToReferences.Profile.class).block(TIMEOUT);
        assertThat(this.statements).filteredOn(s -> s.toUpperCase(Locale.ROOT).startsWith("ALTER")
                || s.toUpperCase(Locale.ROOT).startsWith("CREATE TABLE")).isEmpty();
        List<String> after = new ArrayList<>(this.jdbc.foreignKeys("credit_cards"));
        after.addAll(this.jdbc.foreignKeys("profiles"));
        assertThat(after).isEqualTo(before).containsExactly("fk_users_credit_card", "fk_profiles_user");
    }

    @Test
    void hasOneForeignKeyOfAnotherTypeTakesTheReferencedKeyColumnType() {
        migrateLogged("migrate: has one foreignKey UserName", HasOneForeignKey.User.class, HasOneForeignKey.CreditCard.class);
        assertThat(columnType("credit_cards", "user_name")).isEqualTo(columnType("users", "id"));
        assertThat(this.jdbc.foreignKeys("credit_cards")).containsExactly("fk_users_credit_card");
    }

    @Test
    void nonUniqueReferencedFieldGetsNoConstraint() {
        migrateLogged("migrate: has one references name", HasOneReferences.User.class, HasOneReferences.CreditCard.class);
        assertThat(this.jdbc.foreignKeys("credit_cards")).isEmpty();
        this.jdbc.update("INSERT INTO credit_cards (number, user_name) VALUES ('n', 'nobody')");
        assertThat(this.jdbc.count("SELECT COUNT(*) FROM credit_cards")).isEqualTo(1);
    }

    @Test
    void nonUniqueReferencedFieldWithActionsIsAMappingError() {
        assertThatThrownBy(() -> this.db.migrate(NonUniqueWithActions.User.class, NonUniqueWithActions.CreditCard.class))
                .isInstanceOf(MappingException.class)
                .hasMessageContaining("User.creditCard")
                .hasMessageContaining("User.name")
                .hasMessageContaining("@UniqueIndex");
        assertThat(this.statements).isEmpty();
        assertThat(this.jdbc.tables()).isEmpty();
    }

    @Test
    void polymorphicHasOneGetsNoConstraint() {
        migrateLogged("migrate: polymorphic", Polymorphic.Cat.class, Polymorphic.Dog.class, Polymorphic.Toy.class);
        assertThat(this.jdbc.tables()).contains("cats", "dogs", "toys");
        assertThat(this.jdbc.foreignKeys("toys")).isEmpty();
        assertThat(columnType("toys", "owner_id")).isEqualTo(columnType("dogs", "id"));
    }

    @Test
    void selfReferenceGetsAConstraintOnItsOwnTable() {
        migrateLogged("migrate: self-referential", SelfReferential.User.class);
        assertThat(this.jdbc.foreignKeys("users")).containsExactly("fk_users_manager");
        this.jdbc.update("INSERT INTO users (name) VALUES ('boss')");
        long boss = this.jdbc.count("SELECT id FROM users WHERE name = 'boss'");
        this.jdbc.update("INSERT INTO users (name, manager_id) VALUES ('emp', ?)", boss);
        assertThatThrownBy(() -> this.jdbc.update("INSERT INTO users (name, manager_id) VALUES ('x', ?)", boss + 99))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void explicitSelfReferentialHasOneCascadesDeletes() {
        migrateLogged("migrate: explicit self-referential has one", SelfHasOne.Node.class);
        assertThat(this.jdbc.foreignKeys("nodes")).containsExactly("fk_nodes_child");
        this.jdbc.update("INSERT INTO nodes (name) VALUES ('root')");
        long root = this.jdbc.count("SELECT id FROM nodes WHERE name = 'root'");
        this.jdbc.update("INSERT INTO nodes (name, parent_id) VALUES ('leaf', ?)", root);
        this.jdbc.update("DELETE FROM nodes WHERE id = ?", root);
        assertThat(this.jdbc.count("SELECT COUNT(*) FROM nodes")).as("ON DELETE CASCADE").isZero();
    }

    @Test
    void cyclesGetBothConstraints() {
        migrateLogged("migrate: cycle", Cycle.Husband.class, Cycle.Wife.class);
        assertThat(this.jdbc.foreignKeys("husbands")).containsExactly("fk_husbands_wife");
        assertThat(this.jdbc.foreignKeys("wives")).containsExactly("fk_wives_husband");
    }

    @Test
    void hasOneConstraintActionsAreEnforcedByTheDatabase() {
        migrateLogged("migrate: has one constraints", HasOneConstraints.User.class, HasOneConstraints.CreditCard.class);
        assertThat(this.jdbc.foreignKeys("credit_cards")).containsExactly("fk_users_credit_card");
        HasOneConstraints.User user = new HasOneConstraints.User();
        user.creditCard = new HasOneConstraints.CreditCard();
        user.creditCard.number = "4111";
        await(this.db.repository(HasOneConstraints.User.class).save(user));
        assertThat(this.jdbc.count("SELECT user_id FROM credit_cards")).isEqualTo(user.getId());

        this.jdbc.update("UPDATE users SET id = ? WHERE id = ?", 1000L, user.getId());
        assertThat(this.jdbc.count("SELECT user_id FROM credit_cards")).as("ON UPDATE CASCADE").isEqualTo(1000L);

        this.jdbc.update("DELETE FROM users WHERE id = ?", 1000L);
        assertThat(this.jdbc.single("SELECT user_id FROM credit_cards WHERE number = '4111'"))
                .as("ON DELETE SET NULL").isNull();
        assertThat(this.jdbc.count("SELECT COUNT(*) FROM credit_cards")).isEqualTo(1);
    }

    @Test
    void belongsToConstraintLivesOnTheDeclaringTable() {
        migrateLogged("migrate: belongs to", BelongsToDeclare.User.class, BelongsToDeclare.Profile.class);
        assertThat(this.jdbc.foreignKeys("profiles")).containsExactly("fk_profiles_user");
        assertThat(this.jdbc.foreignKeys("users")).isEmpty();
        assertThatThrownBy(() -> this.jdbc.update("INSERT INTO profiles (name, user_id) VALUES ('p', 12345)"))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void belongsToForeignKeyOverrideIsConstrained() {
        migrateLogged("migrate: belongs to foreignKey UserRefer", BelongsToForeignKey.Profile.class, BelongsToForeignKey.User.class);
        assertThat(this.jdbc.foreignKeys("profiles")).containsExactly("fk_profiles_user");
        assertThatThrownBy(() -> this.jdbc.update("INSERT INTO profiles (name, user_refer) VALUES ('p', 12345)"))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void belongsToReferencesAUniqueIndexedField() {
        migrateLogged("migrate: belongs to references Refer", BelongsToReferences.User.class, BelongsToReferences.Profile.class);
        assertThat(this.jdbc.foreignKeys("profiles")).containsExactly("fk_profiles_user");
        this.jdbc.update("INSERT INTO users (name, refer) VALUES ('jinzhu', 'r-1')");
        assertThatThrownBy(() -> this.jdbc.update("INSERT INTO users (name, refer) VALUES ('other', 'r-1')"))
                .as("the unique index on refer").isInstanceOf(IllegalStateException.class);
        this.jdbc.update("INSERT INTO profiles (name, user_refer) VALUES ('p', 'r-1')");
        assertThatThrownBy(() -> this.jdbc.update("INSERT INTO profiles (name, user_refer) VALUES ('q', 'r-2')"))
                .as("the constraint on user_refer").isInstanceOf(IllegalStateException.class);
    }

    @Test
    void belongsToConstraintActionsAreEnforcedByTheDatabase() {
        migrateLogged("migrate: belongs to constraints", BelongsToConstraints.User.class, BelongsToConstraints.Profile.class);
        BelongsToConstraints.Profile profile = new BelongsToConstraints.Profile();
        profile.user = new BelongsToConstraints.User();
        profile.user.name = "jinzhu";
        await(this.db.repository(BelongsToConstraints.Profile.class).save(profile));
        long userId = profile.user.getId();
        assertThat(this.jdbc.count("SELECT user_id FROM profiles")).isEqualTo(userId);

        this.jdbc.update("UPDATE users SET id = ? WHERE id = ?", 500L, userId);
        assertThat(this.jdbc.count("SELECT user_id FROM profiles")).as("ON UPDATE CASCADE").isEqualTo(500L);

        this.jdbc.update("DELETE FROM users WHERE id = 500");
        assertThat(this.jdbc.single("SELECT user_id FROM profiles")).as("ON DELETE SET NULL").isNull();
    }
}
