package io.relata.tck;

import static org.assertj.core.api.Assertions.assertThat;

import io.relata.Model;
import io.relata.SchemaReport;
import io.relata.annotation.HasOne;
import io.relata.annotation.Index;
import io.relata.annotation.Table;
import io.relata.tck.BrownfieldModels.Member;
import io.relata.tck.BrownfieldModels.MemberCard;
import io.relata.tck.BrownfieldModels.MemberProfile;
import io.relata.tck.MigrationTck.Polymorphic;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/**
 * {@code migrate} on a schema another tool made adds what is missing and nothing else, and indexes the foreign keys
 * it manages; {@code validate} reports every mismatch without changing anything (issue 8).
 */
public abstract class ExistingSchemaTck extends DatabaseTestSupport {

    /** A Rails app's users and cards, mapped with two fields Rails never had. */
    public static class Rails {
        @Table("users")
        public static class User extends Model {
            String name;
            String nickname;
            CreditCard creditCard;
        }

        @Table("credit_cards")
        public static class CreditCard extends Model {
            String number;
            Long userId;
        }
    }

    /** A has-one whose foreign key already carries an {@code @Index}: migrate makes no second index on it. */
    public static class Indexed {
        public static class Owner {
            Long id;
            @HasOne(foreignKey = "ownerId")
            Pet pet;
        }

        public static class Pet {
            Long id;
            @Index
            Long ownerId;
        }
    }

    private void createRailsSchema() {
        LegacyDdl t = new LegacyDdl(database());
        this.jdbc.update("CREATE TABLE users (id " + t.serialBig() + ", name VARCHAR(100), created_at " + t.timestamp()
                + " NOT NULL, updated_at " + t.timestamp() + " NOT NULL, deleted_at " + t.timestamp()
                + ", encrypted_password VARCHAR(100) DEFAULT '' NOT NULL)");
        this.jdbc.update("CREATE TABLE credit_cards (id " + t.serialBig() + ", number VARCHAR(40), user_id BIGINT, "
                + "created_at " + t.timestamp() + " NOT NULL, updated_at " + t.timestamp() + " NOT NULL, "
                + "CONSTRAINT fk_rails_1a2b3c FOREIGN KEY (user_id) REFERENCES users (id))");
        this.jdbc.update("CREATE INDEX index_credit_cards_on_user_id ON credit_cards (user_id)");
        this.jdbc.update("INSERT INTO users (name, created_at, updated_at) VALUES ('dhh', TIMESTAMP '2004-07-24 "
                + "12:00:00', TIMESTAMP '2004-07-24 12:00:00')");
    }

    @Test
    void migrateAddsOnlyWhatIsMissingAndIsIdempotent() {
        createRailsSchema();
        this.db.migrate(Rails.User.class, Rails.CreditCard.class).block(TIMEOUT);

        assertThat(this.jdbc.foreignKeys("credit_cards")).as("no second constraint under GORM's name")
                .containsExactly("fk_rails_1a2b3c");
        assertThat(this.jdbc.indexes("credit_cards")).as("an index already starts with user_id")
                .doesNotContainKey("idx_credit_cards_user_id")
                .containsEntry("idx_credit_cards_deleted_at", List.of("deleted_at"))
                .containsEntry("index_credit_cards_on_user_id", List.of("user_id"));
        assertThat(columns("users")).contains("nickname", "encrypted_password");
        assertThat(columns("credit_cards")).contains("deleted_at");
        assertThat(this.jdbc.count("SELECT COUNT(*) FROM users WHERE name = 'dhh'")).as("no data touched").isEqualTo(1);
        assertThat(this.statements).filteredOn(s -> ddl(s) && s.toUpperCase(Locale.ROOT).contains("DROP")).isEmpty();

        this.statements.clear();
        this.db.migrate(Rails.User.class, Rails.CreditCard.class).block(TIMEOUT);
        assertThat(this.statements).as("a second run sends no DDL").filteredOn(ExistingSchemaTck::ddl).isEmpty();
        assertThat(await(this.db.validate(Rails.User.class, Rails.CreditCard.class)).isValid()).isTrue();
    }

    @Test
    void migrateDoesNotAttemptAConstraintTheColumnTypesCannotCarry() {
        LegacyDdl t = new LegacyDdl(database());
        this.jdbc.update("CREATE TABLE members (id " + t.serialBig() + ", name VARCHAR(40))");
        this.jdbc.update("CREATE TABLE member_cards (id " + t.serialBig() + ", number VARCHAR(20), member_name "
                + "VARCHAR(20))");

        this.db.migrate(Member.class, MemberCard.class, MemberProfile.class).block(TIMEOUT);

        assertThat(this.jdbc.foreignKeys("member_cards")).as("varchar cannot reference integer").isEmpty();
        assertThat(this.jdbc.indexes("member_cards")).containsEntry("idx_member_cards_member_name",
                List.of("member_name"));
        assertThat(this.jdbc.foreignKeys("member_profiles")).as("the table migrate made gets its constraint")
                .containsExactly("fk_members_profile");
        SchemaReport report = await(this.db.validate(Member.class, MemberCard.class, MemberProfile.class));
        assertThat(report.problems()).singleElement().satisfies(p -> {
            assertThat(p.kind()).isEqualTo(SchemaReport.Kind.FOREIGN_KEY_TYPE_MISMATCH);
            assertThat(p.entity()).isEqualTo("MemberCard");
            assertThat(p.field()).isEqualTo("memberName");
            assertThat(p.table()).isEqualTo("member_cards");
            assertThat(p.column()).isEqualTo("member_name");
        });
    }

    @Test
    void migrateIndexesEveryForeignKeyItManages() {
        migrate(Rails.User.class, Rails.CreditCard.class, Polymorphic.Cat.class, Polymorphic.Dog.class,
                Polymorphic.Toy.class, Indexed.Owner.class, Indexed.Pet.class);

        assertThat(this.jdbc.indexes("credit_cards")).containsEntry("idx_credit_cards_user_id", List.of("user_id"));
        assertThat(this.jdbc.indexes("toys")).containsEntry("idx_toys_owner_type_owner_id",
                List.of("owner_type", "owner_id"));
        assertThat(this.jdbc.indexes("pets").values()).as("one index on owner_id, the declared one")
                .filteredOn(columns -> columns.get(0).equals("owner_id")).hasSize(1);
        assertThat(this.jdbc.indexes("pets")).containsKey("idx_pets_owner_id");
        assertThat(await(this.db.validate(Rails.User.class, Rails.CreditCard.class, Polymorphic.Cat.class,
                Polymorphic.Dog.class, Polymorphic.Toy.class, Indexed.Owner.class, Indexed.Pet.class)).problems())
                .isEmpty();
    }

    @Test
    void validateReportsEveryProblemAtOnceAndChangesNothing() {
        LegacyDdl t = new LegacyDdl(database());
        this.jdbc.update("CREATE TABLE members (id " + t.serialBig() + ", name DATE)");
        this.jdbc.update("CREATE TABLE member_profiles (id " + t.serialInt() + ", member_id BIGINT)");
        List<String> tables = this.jdbc.tables();

        SchemaReport report = await(this.db.validate(Member.class, MemberCard.class, MemberProfile.class));

        assertThat(report.isValid()).isFalse();
        assertThat(report.problems()).extracting(p -> p.kind() + " " + p.entity() + "." + p.field() + " " + p.table()
                + "." + p.column()).containsExactlyInAnyOrder(
                        "INCOMPATIBLE_TYPE Member.name members.name",
                        "MISSING_TABLE MemberCard.null member_cards.null",
                        "MISSING_COLUMN MemberProfile.bio member_profiles.bio",
                        "MISSING_FOREIGN_KEY_INDEX MemberProfile.memberId member_profiles.member_id");
        assertThat(report.toString()).startsWith("4 schema problems:")
                .contains("CREATE INDEX").contains("member_profiles").contains("java.lang.String");
        assertThat(this.jdbc.tables()).isEqualTo(tables);
        assertThat(this.statements).allSatisfy(s -> assertThat(s).startsWithIgnoringCase("SELECT"));
    }

    @Test
    void preloadWarnsOnceAboutAForeignKeyNoIndexStartsWith() {
        LegacyDdl t = new LegacyDdl(database());
        this.jdbc.update("CREATE TABLE members (id " + t.serialInt() + ", name VARCHAR(40))");
        this.jdbc.update("CREATE TABLE member_cards (id " + t.serialBig() + ", number VARCHAR(20), member_name "
                + "VARCHAR(20))");
        this.jdbc.update("CREATE TABLE member_profiles (id " + t.serialInt() + ", member_id BIGINT, bio VARCHAR(40))");
        this.jdbc.update("CREATE INDEX legacy_profiles_member ON member_profiles (member_id, bio)");
        this.jdbc.update("INSERT INTO members (name) VALUES ('ann')");
        this.jdbc.update("INSERT INTO member_cards (number, member_name) VALUES ('4111', '1')");
        List<LogRecord> warnings = new ArrayList<>();
        Logger logger = Logger.getLogger("io.relata.internal.load.Preloader");
        Handler handler = new Handler() {
            @Override
            public void publish(LogRecord record) {
                warnings.add(record);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        logger.addHandler(handler);
        try {
            for (int i = 0; i < 2; i++) {
                assertThat(awaitAll(this.db.repository(Member.class).findAll().preload("card").preload("profile")))
                        .singleElement().satisfies(m -> assertThat(m.card.number).isEqualTo("4111"));
            }
        }
        finally {
            logger.removeHandler(handler);
        }
        assertThat(warnings).singleElement().satisfies(w -> {
            assertThat(w.getLevel()).isEqualTo(java.util.logging.Level.WARNING);
            String message = java.text.MessageFormat.format(w.getMessage(), w.getParameters());
            assertThat(message).contains("member_cards.member_name").contains("CREATE INDEX")
                    .containsIgnoringCase("idx_member_cards_member_name");
        });
    }

    private List<String> columns(String table) {
        List<String> out = new ArrayList<>();
        for (Map<String, Object> row : this.jdbc.query("SELECT column_name FROM information_schema.columns WHERE "
                + "LOWER(table_name) = ? AND table_schema = " + (database() == io.relata.testing.TestDatabase.MARIADB
                ? "DATABASE()" : database() == io.relata.testing.TestDatabase.POSTGRES ? "current_schema()"
                : "CURRENT_SCHEMA"), table)) {
            out.add(String.valueOf(row.values().iterator().next()).toLowerCase(Locale.ROOT));
        }
        return out;
    }

    private static boolean ddl(String statement) {
        String s = statement.toUpperCase(Locale.ROOT);
        return s.startsWith("CREATE") || s.startsWith("ALTER") || s.startsWith("DROP");
    }
}
