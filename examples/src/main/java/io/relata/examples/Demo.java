package io.relata.examples;

import io.relata.Model;
import io.relata.Relata;
import io.relata.Repository;
import io.relata.annotation.Action;
import io.relata.annotation.HasOne;
import io.relata.annotation.Index;
import io.relata.annotation.UniqueIndex;
import java.time.Duration;
import java.util.List;
import reactor.core.publisher.Flux;

/**
 * Relata on embedded H2, end to end: migrate, cascaded saves, queries, preload, joins, association mode, soft
 * delete. Every SQL statement Relata sends is printed as it goes.
 *
 * <p>Run it from the repository root: {@code mvn -B -q -Pdemo -DskipTests -pl examples -am package}.
 * {@code block()} is used here, at the edge of a command-line program, only to print the steps in order; inside a
 * WebFlux handler you would return the {@code Mono}/{@code Flux} instead, as {@link io.relata.examples.web.WebApp}
 * does ({@code mvn -B -q -Pweb -DskipTests -pl examples -am package}, then {@code curl localhost:8080/users}).
 */
public final class Demo {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    /** A company users belong to. */
    public static class Company {
        Long id;
        @UniqueIndex
        String name;

        Company() {
        }

        /**
         * A new company.
         *
         * @param name its unique name
         */
        public Company(String name) {
            this.name = name;
        }

        /**
         * The primary key, {@code null} until saved.
         *
         * @return the id
         */
        public Long getId() {
            return this.id;
        }

        /**
         * The company's name.
         *
         * @return the name
         */
        public String getName() {
            return this.name;
        }

        @Override
        public String toString() {
            return "Company{" + this.name + "}";
        }
    }

    /** A user: belongs to a company (companyId), has one credit card (CreditCard.userId). */
    public static class User extends Model {
        @Index
        String name;
        Long companyId;
        Company company;
        @HasOne(onUpdate = Action.CASCADE, onDelete = Action.SET_NULL)
        CreditCard creditCard;

        User() {
        }

        /**
         * A new user.
         *
         * @param name the user's name
         */
        public User(String name) {
            this.name = name;
        }

        /**
         * The user's name.
         *
         * @return the name
         */
        public String getName() {
            return this.name;
        }

        /**
         * The company, when saved with it or preloaded; else {@code null}.
         *
         * @return the company
         */
        public Company getCompany() {
            return this.company;
        }

        /**
         * Points the user at a company (new ones are saved first, in the same transaction).
         *
         * @param company the company
         */
        public void setCompany(Company company) {
            this.company = company;
        }

        /**
         * The credit card, when saved with it or preloaded; else {@code null}.
         *
         * @return the card
         */
        public CreditCard getCreditCard() {
            return this.creditCard;
        }

        /**
         * Gives the user a card (saved after the user, with its userId filled in).
         *
         * @param creditCard the card
         */
        public void setCreditCard(CreditCard creditCard) {
            this.creditCard = creditCard;
        }

        @Override
        public String toString() {
            return "User{" + this.name + ", card=" + this.creditCard + ", company=" + this.company + "}";
        }
    }

    /** A credit card, owned by a user. */
    public static class CreditCard extends Model {
        String number;
        Long userId;

        CreditCard() {
        }

        /**
         * A new card.
         *
         * @param number the card number
         */
        public CreditCard(String number) {
            this.number = number;
        }

        /**
         * The card number.
         *
         * @return the number
         */
        public String getNumber() {
            return this.number;
        }

        /**
         * The owner's id, filled in by a cascaded save.
         *
         * @return the owning user's id
         */
        public Long getUserId() {
            return this.userId;
        }

        @Override
        public String toString() {
            return this.number;
        }
    }

    private Demo() {
    }

    /**
     * Runs the demo.
     *
     * @param args optionally an R2DBC URL to run against instead of embedded H2 (its tables are created there)
     */
    public static void main(String[] args) {
        String url = args.length > 0 ? args[0] : "r2dbc:h2:mem:///relata-demo";
        Relata db = Relata.builder(url)
                .onStatement(sql -> System.out.println("    SQL> " + sql))
                .build();
        try {
            run(db);
        }
        finally {
            db.close().block(TIMEOUT);
        }
    }

    private static void run(Relata db) {
        step("Migrate: tables, indexes and the foreign-key constraints, parents first");
        db.migrate(Company.class, User.class, CreditCard.class).block(TIMEOUT);

        Repository<User> users = db.repository(User.class);

        step("Save a user with a new company and a new card: one transaction, belongs-to first, has-one last");
        User jinzhu = new User("jinzhu");
        jinzhu.company = new Company("acme");
        jinzhu.creditCard = new CreditCard("4111-1111");
        users.save(jinzhu).block(TIMEOUT);
        System.out.println("  saved " + jinzhu + " with id " + jinzhu.getId() + ", card owner " + jinzhu.creditCard.userId);

        step("saveAll: three users with cards, one multi-row INSERT per level");
        List<User> more = List.of(new User("ann"), new User("bob"), new User("cy"));
        for (int i = 0; i < more.size(); i++) {
            more.get(i).creditCard = new CreditCard("5500-000" + i);
            more.get(i).company = jinzhu.company;
        }
        users.saveAll(Flux.fromIterable(more)).blockLast(TIMEOUT);

        step("Preload: one query for the users, one per association for the whole batch");
        users.findAll().preload("creditCard").preload("company").orderBy("name").flux()
                .doOnNext(u -> System.out.println("  " + u))
                .blockLast(TIMEOUT);

        step("Joins: the card in the same statement");
        users.where("users.name LIKE ?", "%n%").joins("creditCard").flux()
                .doOnNext(u -> System.out.println("  " + u))
                .blockLast(TIMEOUT);

        step("Values are always bound: a hostile name is just a name");
        Long count = users.where("name = ?", "x'; DROP TABLE users; --").count().block(TIMEOUT);
        System.out.println("  users named like an injection: " + count);

        step("Update one column");
        users.update(jinzhu, "name", "jinzhu2").block(TIMEOUT);

        step("Association mode: replace jinzhu's card (the old one is unlinked, not deleted)");
        users.<CreditCard>association(jinzhu, "creditCard").replace(new CreditCard("3700-0000")).block(TIMEOUT);
        System.out.println("  jinzhu's card is now " + users.<CreditCard>association(jinzhu, "creditCard").find()
                .block(TIMEOUT));

        step("Soft delete bob together with his card");
        users.delete(more.get(1), "creditCard").block(TIMEOUT);
        System.out.println("  users now: " + users.findAll().count().block(TIMEOUT) + ", with soft-deleted: "
                + users.unscoped().findAll().count().block(TIMEOUT));
        System.out.println();
        System.out.println("Done.");
    }

    private static void step(String title) {
        System.out.println();
        System.out.println("== " + title);
    }
}
