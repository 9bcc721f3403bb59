package io.relata.examples.web;

import io.relata.Relata;
import io.relata.Repository;
import io.relata.examples.web.UserView.CardView;
import io.relata.examples.web.UserView.CompanyView;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The application's use of Relata. Reads run outside a transaction (streams borrow their own connections); writes are
 * {@code @Transactional}, and Relata's statements in them run on the transaction's connection, so everything a
 * request writes commits or rolls back as one.
 */
@Service
public class UserService {

    private final Relata db;

    private final Repository<User> users;

    private final Repository<Company> companies;

    /**
     * Creates the service.
     *
     * @param db the starter's {@code Relata} bean
     */
    public UserService(Relata db) {
        this.db = db;
        this.users = db.repository(User.class);
        this.companies = db.repository(Company.class);
    }

    /**
     * Every user, cards and companies preloaded: one query for the users, then one per 1,000 users per association,
     * streamed as they come.
     *
     * @return the users by id
     */
    public Flux<User> all() {
        return this.users.findAll().preload("creditCard").preload("company").orderBy("id").flux();
    }

    /**
     * One user with card and company.
     *
     * @param id the user's id
     * @return the user; empty when there is none (or it was deleted)
     */
    public Mono<User> find(long id) {
        return this.users.where("id = ?", id).preload("creditCard").preload("company").first();
    }

    /**
     * Saves a user, its card and its company (linked when the name exists, created otherwise) in one transaction.
     * Checked before anything is sent.
     *
     * @param body the user as posted
     * @return the saved user, ids filled in; {@link InvalidUserException} when the body is incomplete; the driver's
     *         {@code R2dbcDataIntegrityViolationException} when a unique constraint refuses it (nothing is written)
     */
    @Transactional
    public Mono<User> create(UserView body) {
        return Mono.fromCallable(() -> toUser(body)).flatMap(user -> linkCompany(user, body.company()))
                .flatMap(this.users::save);
    }

    private static User toUser(UserView body) {
        if (body.name() == null || body.name().isBlank()) {
            throw new InvalidUserException("name must not be blank");
        }
        User user = new User(body.name().strip());
        CardView card = body.creditCard();
        if (card != null) {
            if (card.number() == null || card.number().isBlank()) {
                throw new InvalidUserException("creditCard.number must not be blank");
            }
            user.creditCard = new CreditCard(card.number().strip());
        }
        CompanyView company = body.company();
        if (company != null && (company.name() == null || company.name().isBlank())) {
            throw new InvalidUserException("company.name must not be blank");
        }
        return user;
    }

    /** An existing company is linked by its id; an unknown name is created by the cascade, before the user. */
    private Mono<User> linkCompany(User user, CompanyView company) {
        if (company == null) {
            return Mono.just(user);
        }
        String name = company.name().strip();
        return this.companies.where("name = ?", name).first()
                .switchIfEmpty(Mono.fromSupplier(() -> new Company(name)))
                .map(found -> {
                    user.company = found;
                    return user;
                });
    }

    /**
     * Deletes a user with its card (both soft: they get a {@code deleted_at} and disappear from every query).
     *
     * @param id the user's id
     * @return whether there was such a user
     */
    @Transactional
    public Mono<Boolean> delete(long id) {
        return this.users.findById(id)
                .flatMap(user -> this.users.delete(user, "creditCard"))
                .map(rows -> rows > 0)
                .defaultIfEmpty(false);
    }

    /**
     * Creates the tables (idempotent) and, when there are no users, three users with cards and two companies.
     *
     * @return completes when done
     */
    public Mono<Void> prepare() {
        Mono<Void> seed = this.companies.saveAll(Flux.just(new Company("acme"), new Company("initech")))
                .collectList()
                .flatMapMany(saved -> this.users.saveAll(Flux.just(user("jinzhu", "4111-1111", saved.get(0)),
                        user("ann", "5500-0000", saved.get(0)), user("bob", "3700-0000", saved.get(1)))))
                .then();
        return this.db.migrate(Company.class, User.class, CreditCard.class)
                .then(this.users.findAll().count())
                .flatMap(count -> count == 0 ? seed : Mono.empty());
    }

    private static User user(String name, String cardNumber, Company company) {
        User user = new User(name);
        user.creditCard = new CreditCard(cardNumber);
        user.company = company;
        return user;
    }
}
