package io.relata.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.r2dbc.spi.R2dbcDataIntegrityViolationException;
import io.relata.Association;
import io.relata.Model;
import io.relata.Repository;
import io.relata.annotation.HasOne;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The model-based test (issue 9): seeded random sequences of saves (new graphs, existing owners with new or other
 * targets), association mode (replace, clear, delete; scoped and unscoped), soft and hard deletes with and without
 * their cards, and reloads, over users, credit cards, companies and polymorphic toys of users and dogs. After every
 * step the database, read over JDBC, must equal the model ({@link ModelState}); every few steps Relata's reads
 * (preloads, joins, unscoped, association mode) must agree with it too ({@link ModelChecks}). Operations the model
 * says must fail (a hard delete a foreign key forbids) must fail and change nothing.
 *
 * <p>The seed is printed when it fails; rerun one sequence with {@code -Drelata.model.seed=<seed>}, and change the
 * length with {@code -Drelata.model.steps=<n>} (default 120).
 */
public abstract class ModelTck extends DatabaseTestSupport {

    public static class Company {
        Long id;
        String name;
    }

    public static class User extends Model {
        String name;
        Long companyId;
        Company company;
        CreditCard creditCard;
        @HasOne(polymorphic = "Owner")
        Toy toy;
    }

    public static class CreditCard extends Model {
        String number;
        Long userId;
    }

    public static class Toy {
        Long id;
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

    private static final int STEPS = Integer.getInteger("relata.model.steps", 120);

    private ModelState model;

    private Random random;

    private int names;

    private Repository<User> users;

    private Repository<Dog> dogs;

    @Test
    void randomSequencesKeepTheDatabaseEqualToTheModel() {
        migrate(Company.class, User.class, CreditCard.class, Toy.class, Dog.class);
        this.users = this.db.repository(User.class);
        this.dogs = this.db.repository(Dog.class);
        long seed = Long.getLong("relata.model.seed", System.nanoTime());
        this.random = new Random(seed);
        this.model = new ModelState();
        List<String> steps = new ArrayList<>();
        try {
            for (int step = 1; step <= STEPS; step++) {
                steps.add(step + ": " + step());
                ModelChecks.assertDatabase(this.model, ModelState.read(this.jdbc));
                if (this.random.nextInt(3) == 0) {
                    steps.add(step + ": reads checked");
                    ModelChecks.assertReads(this.model, this.users, this.dogs, this.random, TIMEOUT);
                }
            }
        }
        catch (AssertionError | RuntimeException e) {
            throw new AssertionError("The model-based test failed on " + database() + " with seed " + seed
                    + " (rerun: -Drelata.model.seed=" + seed + "); the last steps:\n  "
                    + String.join("\n  ", steps.subList(Math.max(0, steps.size() - 15), steps.size())), e);
        }
        System.err.printf("[model] %s: %d steps with seed %d, %d users, %d cards, %d toys left%n", database(), STEPS,
                seed, this.model.users.size(), this.model.cards.size(), this.model.toys.size());
    }

    private String step() {
        boolean anyUser = !this.model.liveUsers().isEmpty();
        int pick = this.random.nextInt(anyUser ? 20 : 2);
        return switch (pick) {
            case 0, 1 -> this.random.nextBoolean() ? createUsers() : createDog();
            case 2, 3, 4 -> createUsers();
            case 5, 6 -> saveExistingUser();
            case 7 -> renameUser();
            case 8, 9 -> replaceCard();
            case 10 -> clearOrDeleteCard();
            case 11, 12 -> replaceOrClearToy();
            case 13, 14 -> replaceOrClearCompany();
            case 15, 16 -> deleteUser();
            case 17 -> deleteDog();
            default -> createUsers();
        };
    }

    private String name(String kind) {
        return kind + "-" + (++this.names);
    }

    private <T> T any(List<T> values) {
        return values.get(this.random.nextInt(values.size()));
    }

    private static User owner(long id) {
        User u = new User();
        u.setId(id);
        return u;
    }

    private static Company company(long id) {
        Company c = new Company();
        c.id = id;
        c.name = "never written";
        return c;
    }

    private static CreditCard card(Long id, String number) {
        CreditCard c = new CreditCard();
        c.setId(id);
        c.number = number;
        return c;
    }

    private static Toy toy(Long id, String name) {
        Toy t = new Toy();
        t.id = id;
        t.name = name;
        return t;
    }

    /** Runs an operation the model says must fail on a foreign key, and checks it changed nothing. */
    private void expectForeignKeyFailure(Supplier<Mono<?>> operation) {
        assertThatThrownBy(() -> operation.get().block(TIMEOUT))
                .isInstanceOf(R2dbcDataIntegrityViolationException.class);
    }

    // -------------------------------------------------------------------------------------------- saves

    private String createUsers() {
        int n = 1 + this.random.nextInt(3);
        List<User> batch = new ArrayList<>();
        Set<Long> takenCards = new HashSet<>();
        Set<Long> takenToys = new HashSet<>();
        StringBuilder what = new StringBuilder(n == 1 ? "save new user" : "saveAll " + n + " new users");
        for (int i = 0; i < n; i++) {
            User u = new User();
            u.name = name("user");
            int c = this.random.nextInt(3);
            if (c == 1) {
                u.company = new Company();
                u.company.name = name("company");
            }
            else if (c == 2 && !this.model.companies.isEmpty()) {
                u.company = company(any(new ArrayList<>(this.model.companies.keySet())));
            }
            int k = this.random.nextInt(3);
            if (k == 1) {
                u.creditCard = card(null, name("card"));
            }
            else if (k == 2 && !this.model.cards.isEmpty()) {
                Long existing = any(this.model.allCards());
                if (takenCards.add(existing)) {
                    u.creditCard = card(existing, "never written");
                }
            }
            int t = this.random.nextInt(3);
            if (t == 1) {
                u.toy = toy(null, name("toy"));
            }
            else if (t == 2 && !this.model.toys.isEmpty()) {
                Long existing = any(this.model.allToys());
                if (takenToys.add(existing)) {
                    u.toy = toy(existing, "never written");
                }
            }
            what.append(String.format(" [company %s, card %s, toy %s]",
                    describe(u.company == null ? null : u.company.id, u.company != null),
                    describe(u.creditCard == null ? null : u.creditCard.getId(), u.creditCard != null),
                    describe(u.toy == null ? null : u.toy.id, u.toy != null)));
            batch.add(u);
        }
        if (n == 1) {
            this.users.save(batch.get(0)).block(TIMEOUT);
        }
        else {
            this.users.saveAll(Flux.fromIterable(batch)).blockLast(TIMEOUT);
        }
        for (User u : batch) {
            if (u.company != null && !this.model.companies.containsKey(u.company.id)) {
                this.model.companies.put(u.company.id, u.company.name);
            }
            this.model.users.put(u.getId(), new ModelState.UserRow(u.name, u.company == null ? null : u.company.id,
                    false));
            if (u.creditCard != null) {
                if (this.model.cards.containsKey(u.creditCard.getId())) {
                    this.model.linkCard(u.creditCard.getId(), u.getId());
                }
                else {
                    this.model.cards.put(u.creditCard.getId(), new ModelState.CardRow(u.creditCard.number, u.getId(),
                            false));
                }
            }
            if (u.toy != null) {
                if (this.model.toys.containsKey(u.toy.id)) {
                    this.model.linkToy(u.toy.id, u.getId(), "users");
                }
                else {
                    this.model.toys.put(u.toy.id, new ModelState.ToyRow(u.toy.name, u.getId(), "users"));
                }
            }
        }
        return what.toString();
    }

    private static String describe(Long id, boolean present) {
        return !present ? "none" : id == null ? "new" : "#" + id;
    }

    private String createDog() {
        Dog d = new Dog();
        d.name = name("dog");
        boolean withToy = this.random.nextBoolean();
        if (withToy) {
            d.toy = toy(null, name("toy"));
        }
        this.dogs.save(d).block(TIMEOUT);
        this.model.dogs.put(d.id, d.name);
        if (withToy) {
            this.model.toys.put(d.toy.id, new ModelState.ToyRow(d.toy.name, d.id, "dogs"));
        }
        return "save new dog" + (withToy ? " with a new toy" : "");
    }

    /** Reloads a user, renames it and gives it a new or another card and toy: the old ones are unlinked. */
    private String saveExistingUser() {
        long id = any(this.model.liveUsers());
        User loaded = this.users.findById(id).block(TIMEOUT);
        assertThat(loaded).as("findById(%d) of a live user", id).isNotNull();
        loaded.name = name("user");
        int k = this.random.nextInt(3);
        Long keepCard = k == 2 && !this.model.cards.isEmpty() ? any(this.model.allCards()) : null;
        if (k == 1) {
            loaded.creditCard = card(null, name("card"));
        }
        else if (keepCard != null) {
            loaded.creditCard = card(keepCard, "never written");
        }
        boolean newToy = this.random.nextBoolean();
        if (newToy) {
            loaded.toy = toy(null, name("toy"));
        }
        this.users.save(loaded).block(TIMEOUT);
        this.model.rename(id, loaded.name);
        if (loaded.creditCard != null) {
            this.model.unlinkLiveCards(id, keepCard);
            if (keepCard != null) {
                this.model.linkCard(keepCard, id);
            }
            else {
                this.model.cards.put(loaded.creditCard.getId(), new ModelState.CardRow(loaded.creditCard.number, id,
                        false));
            }
        }
        if (newToy) {
            this.model.unlinkToys("users", id, null);
            this.model.toys.put(loaded.toy.id, new ModelState.ToyRow(loaded.toy.name, id, "users"));
        }
        return "reload user #" + id + ", rename, card " + describe(keepCard, loaded.creditCard != null)
                + (newToy ? ", new toy" : "") + ", save";
    }

    private String renameUser() {
        long id = any(this.model.liveUsers());
        String name = name("user");
        assertThat(this.users.update(owner(id), "name", name).block(TIMEOUT)).isEqualTo(1L);
        this.model.rename(id, name);
        return "update(user #" + id + ", name)";
    }

    // -------------------------------------------------------------------------------------------- association mode

    private String replaceCard() {
        long id = any(this.model.liveUsers());
        boolean unscoped = this.random.nextInt(4) == 0;
        Long existing = this.random.nextBoolean() && !this.model.cards.isEmpty() ? any(this.model.allCards()) : null;
        CreditCard value = existing == null ? card(null, name("card")) : card(existing, "never written");
        Repository<User> repo = unscoped ? this.users.unscoped() : this.users;
        repo.<CreditCard>association(owner(id), "creditCard").replace(value).block(TIMEOUT);
        if (unscoped) {
            this.model.deleteCards(id, existing);
        }
        else {
            this.model.unlinkLiveCards(id, existing);
        }
        if (existing == null) {
            this.model.cards.put(value.getId(), new ModelState.CardRow(value.number, id, false));
        }
        else {
            this.model.linkCard(existing, id);
        }
        return (unscoped ? "unscoped " : "") + "replace card of user #" + id + " with " + describe(existing, true);
    }

    private String clearOrDeleteCard() {
        long id = any(this.model.liveUsers());
        boolean unscoped = this.random.nextInt(4) == 0;
        Association<CreditCard> cards = (unscoped ? this.users.unscoped() : this.users).association(owner(id),
                "creditCard");
        if (this.random.nextBoolean() || this.model.cards.isEmpty()) {
            cards.clear().block(TIMEOUT);
            if (unscoped) {
                this.model.deleteCards(id, null);
            }
            else {
                this.model.unlinkLiveCards(id, null);
            }
            return (unscoped ? "unscoped " : "") + "clear card of user #" + id;
        }
        Long own = this.model.cardOf(id);
        long target = own != null && this.random.nextBoolean() ? own : any(this.model.allCards());
        ModelState.CardRow row = this.model.cards.get(target);
        cards.delete(card(target, row.number())).block(TIMEOUT);
        if (row.userId() != null && row.userId() == id) {
            if (unscoped) {
                this.model.cards.remove(target);
            }
            else if (!row.deleted()) {
                this.model.linkCard(target, null);
            }
        }
        return (unscoped ? "unscoped " : "") + "delete card #" + target + " from user #" + id;
    }

    private String replaceOrClearToy() {
        boolean ofDog = this.random.nextInt(4) == 0 && !this.model.dogs.isEmpty();
        String type = ofDog ? "dogs" : "users";
        long id = ofDog ? any(new ArrayList<>(this.model.dogs.keySet())) : any(this.model.liveUsers());
        boolean unscoped = this.random.nextInt(4) == 0;
        Association<Toy> toys;
        if (ofDog) {
            Dog d = new Dog();
            d.id = id;
            toys = (unscoped ? this.dogs.unscoped() : this.dogs).association(d, "toy");
        }
        else {
            toys = (unscoped ? this.users.unscoped() : this.users).association(owner(id), "toy");
        }
        if (this.random.nextInt(3) == 0) {
            toys.clear().block(TIMEOUT);
            if (unscoped) {
                this.model.deleteToys(type, id, null);
            }
            else {
                this.model.unlinkToys(type, id, null);
            }
            return (unscoped ? "unscoped " : "") + "clear toy of " + type + " #" + id;
        }
        Long existing = this.random.nextBoolean() && !this.model.toys.isEmpty() ? any(this.model.allToys()) : null;
        Toy value = existing == null ? toy(null, name("toy")) : toy(existing, "never written");
        toys.replace(value).block(TIMEOUT);
        if (unscoped) {
            this.model.deleteToys(type, id, existing);
        }
        else {
            this.model.unlinkToys(type, id, existing);
        }
        if (existing == null) {
            this.model.toys.put(value.id, new ModelState.ToyRow(value.name, id, type));
        }
        else {
            this.model.linkToy(existing, id, type);
        }
        return (unscoped ? "unscoped " : "") + "replace toy of " + type + " #" + id + " with "
                + describe(existing, true);
    }

    /** Belongs-to: unscoped, the old company is deleted too, which fails while other users still point at it. */
    private String replaceOrClearCompany() {
        long id = any(this.model.liveUsers());
        boolean unscoped = this.random.nextInt(3) == 0;
        Long old = this.model.users.get(id).companyId();
        User owner = owner(id);
        owner.companyId = old;
        Association<Company> link = (unscoped ? this.users.unscoped() : this.users).association(owner, "company");
        boolean clear = this.random.nextInt(3) == 0;
        Long existing = !clear && this.random.nextBoolean() && !this.model.companies.isEmpty()
                ? any(new ArrayList<>(this.model.companies.keySet())) : null;
        Company value = clear ? null : existing == null ? newCompany() : company(existing);
        Long next = value == null ? null : existing;
        boolean dropsOld = unscoped && old != null && (clear || !old.equals(existing));
        String what = (unscoped ? "unscoped " : "") + (clear ? "clear" : "replace with " + describe(existing, true))
                + " company of user #" + id + " (was " + old + ")";
        if (dropsOld && this.model.usersReferenceCompany(old, id)) {
            expectForeignKeyFailure(() -> clear ? link.clear() : link.replace(value));
            return what + ": refused, others still point at it";
        }
        (clear ? link.clear() : link.replace(value)).block(TIMEOUT);
        if (value != null && existing == null) {
            this.model.companies.put(value.id, value.name);
            next = value.id;
        }
        this.model.setCompany(id, clear ? null : next);
        if (dropsOld) {
            this.model.companies.remove(old);
        }
        return what;
    }

    private Company newCompany() {
        Company c = new Company();
        c.name = name("company");
        return c;
    }

    // -------------------------------------------------------------------------------------------- deletes

    private String deleteUser() {
        boolean hard = this.random.nextInt(3) == 0;
        boolean withCards = this.random.nextBoolean();
        long id = hard ? any(this.model.allUsers()) : any(this.model.liveUsers());
        String what = (hard ? "unscoped " : "") + "delete user #" + id + (withCards ? " with its cards" : "");
        if (!hard) {
            long rows = (withCards ? this.users.delete(owner(id), "creditCard") : this.users.delete(owner(id)))
                    .block(TIMEOUT);
            assertThat(rows).isEqualTo(1L);
            if (withCards) {
                this.model.softDeleteLiveCards(id);
            }
            this.model.softDelete(id);
            return what;
        }
        Repository<User> unscoped = this.users.unscoped();
        if (!withCards && this.model.cardsReference(id)) {
            expectForeignKeyFailure(() -> unscoped.delete(owner(id)));
            return what + ": refused, cards still point at it";
        }
        long rows = (withCards ? unscoped.delete(owner(id), "creditCard") : unscoped.delete(owner(id)))
                .block(TIMEOUT);
        assertThat(rows).isEqualTo(1L);
        this.model.deleteCards(id, null);
        this.model.users.remove(id);
        return what;
    }

    private String deleteDog() {
        if (this.model.dogs.isEmpty()) {
            return createDog();
        }
        long id = any(new ArrayList<>(this.model.dogs.keySet()));
        Dog d = new Dog();
        d.id = id;
        assertThat(this.dogs.delete(d, "toy").block(TIMEOUT)).isEqualTo(1L);
        this.model.deleteToys("dogs", id, null);
        this.model.dogs.remove(id);
        return "delete dog #" + id + " with its toy";
    }
}
