package io.relata.tck;

import io.relata.Model;
import io.relata.Relata;
import io.relata.Repository;
import io.relata.annotation.HasOne;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;

/**
 * The shared model and fixtures of the eager-loading suites ({@link PreloadTck}, {@link JoinsTck}): users with a
 * has-one card and account, a belongs-to company, a self-referencing manager, accounts belonging to banks, and dogs
 * and cats with a polymorphic toy. Fixtures are plain SQL over the JDBC side channel, so nothing here depends on
 * cascading saves.
 */
public abstract class EagerLoadingFixtures extends DatabaseTestSupport {

    public static class Company {
        Long id;
        String name;
    }

    public static class Bank {
        Long id;
        String name;
    }

    public static class Account extends Model {
        String number;
        Long userId;
        Long bankId;
        Bank bank;
    }

    public static class CreditCard extends Model {
        String number;
        Long userId;
    }

    public static class User extends Model {
        String name;
        Long companyId;
        Company company;
        Long managerId;
        User manager;
        Account account;
        CreditCard creditCard;
    }

    public static class Toy extends Model {
        String name;
        Long ownerId;
        String ownerType;
    }

    public static class Dog {
        Long id;
        String name;
        @HasOne(polymorphic = "Owner")
        Toy toy;
    }

    public static class Cat {
        Long id;
        String name;
        @HasOne(polymorphic = "Owner")
        Toy toy;
    }

    private final List<Relata> extra = new ArrayList<>();

    @AfterEach
    void closeExtra() {
        for (Relata r : this.extra) {
            r.close().block(TIMEOUT);
        }
    }

    /** A second instance on the same database with another batch size, recording into {@link #statements}. */
    protected Relata relata(int preloadBatchSize) {
        return relata(builder -> builder.preloadBatchSize(preloadBatchSize));
    }

    /** A second instance on the same database with other settings, recording into {@link #statements}. */
    protected Relata relata(java.util.function.UnaryOperator<Relata.Builder> settings) {
        Relata r = settings.apply(Relata.builder(this.fresh.r2dbcUrl()).onStatement(this.statements::add)).build();
        this.extra.add(r);
        // A new instance reads each table's catalog once, on first use; read here, so that the statements the tests
        // count are the queries' own.
        r.validate(Company.class, Bank.class, User.class, Account.class, CreditCard.class).block(TIMEOUT);
        this.statements.clear();
        return r;
    }

    protected Repository<User> users() {
        return this.db.repository(User.class);
    }

    /**
     * ann(1, acme) <- bob(2, acme) <- cid(3, no company) ; bob <- dan(4, globex) ; cid <- eve(5, acme).
     * Cards: ann c1; bob two (id 2 "c2-z-old", id 3 "c2-a-new": the greater key wins though its number sorts
     * first); cid only a soft-deleted one; dan none; eve c5. Accounts: ann a1 at bank-a, bob a2 at bank-b, dan a4
     * at bank-a (shared), eve a5 soft-deleted at bank-b.
     */
    protected void seed() {
        migrate(Company.class, Bank.class, User.class, Account.class, CreditCard.class);
        this.jdbc.update("INSERT INTO companies (id, name) VALUES (1, 'acme'), (2, 'globex')");
        this.jdbc.update("INSERT INTO banks (id, name) VALUES (1, 'bank-a'), (2, 'bank-b')");
        this.jdbc.update("INSERT INTO users (id, name, company_id, manager_id) VALUES (1, 'ann', 1, NULL)");
        this.jdbc.update("INSERT INTO users (id, name, company_id, manager_id) VALUES (2, 'bob', 1, 1)");
        this.jdbc.update("INSERT INTO users (id, name, company_id, manager_id) VALUES (3, 'cid', NULL, 2)");
        this.jdbc.update("INSERT INTO users (id, name, company_id, manager_id) VALUES (4, 'dan', 2, 2), "
                + "(5, 'eve', 1, 3)");
        this.jdbc.update("INSERT INTO credit_cards (id, number, user_id) VALUES (1, 'c1', 1), (2, 'c2-z-old', 2), "
                + "(3, 'c2-a-new', 2), (5, 'c5', 5)");
        this.jdbc.update("INSERT INTO credit_cards (id, number, user_id, deleted_at) VALUES (4, 'c3-gone', 3, ?)",
                java.sql.Timestamp.valueOf("2024-01-01 00:00:00"));
        this.jdbc.update("INSERT INTO accounts (id, number, user_id, bank_id) VALUES (1, 'a1', 1, 1), "
                + "(2, 'a2', 2, 2), (4, 'a4', 4, 1)");
        this.jdbc.update("INSERT INTO accounts (id, number, user_id, bank_id, deleted_at) VALUES (5, 'a5', 5, 2, ?)",
                java.sql.Timestamp.valueOf("2024-01-01 00:00:00"));
    }

    /**
     * {@link #seed()} with the identity columns moved past the explicit ids it inserted, for tests that insert through
     * the library afterwards (H2 and PostgreSQL do not advance an identity for explicit ids: shared/DRIVERS.md).
     */
    protected void seedForInserts() {
        seed();
        for (String table : List.of("companies", "banks", "users", "accounts", "credit_cards")) {
            this.jdbc.update(database() == io.relata.testing.TestDatabase.MARIADB
                    ? "ALTER TABLE " + table + " AUTO_INCREMENT = 100"
                    : "ALTER TABLE " + table + " ALTER COLUMN id RESTART WITH 100");
        }
    }

    protected static Map<String, User> byName(List<User> users) {
        Map<String, User> out = new LinkedHashMap<>();
        for (User u : users) {
            out.put(u.name, u);
        }
        return out;
    }

    protected static String card(User u) {
        return u.creditCard == null ? null : u.creditCard.number;
    }

    /** The recorded statements that read a table (by name, in any quoting and case). */
    protected List<String> selectsFrom(String table) {
        Pattern from = Pattern.compile("FROM [\"`]?" + table + "[\"`]?(\\s|$)", Pattern.CASE_INSENSITIVE);
        List<String> out = new ArrayList<>();
        for (String s : statementsStartingWith("SELECT")) {
            if (from.matcher(s).find()) {
                out.add(s);
            }
        }
        return out;
    }

    protected static int placeholders(String sql) {
        Matcher m = Pattern.compile("\\?|\\$\\d+").matcher(sql);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }
}
