package io.relata.examples.web;

import io.relata.Relata;
import io.relata.Repository;
import io.relata.examples.Demo.Company;
import io.relata.examples.Demo.CreditCard;
import io.relata.examples.Demo.User;
import java.net.URI;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ReactorHttpHandlerAdapter;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

/**
 * Relata behind Spring WebFlux's functional routing on reactor-netty: the handlers return
 * {@code users.findAll().preload("creditCard").preload("company")} and friends directly, so no Netty thread ever
 * waits on the database (Relata runs the blocking H2 driver on {@code boundedElastic}).
 *
 * <p>Routes: {@code GET /users} (a JSON array, or one object per line when the client accepts
 * {@code application/x-ndjson}), {@code GET /users/{id}} (404 when absent) and {@code POST /users} with a body
 * such as {@code {"name":"dee","creditCard":{"number":"6011-0000"},"company":{"name":"acme"}}}, saved with its card
 * (and a new company, if the name is unknown) in one cascaded transaction.
 *
 * <p>Run it from the repository root with {@code mvn -B -q -Pweb -DskipTests -pl examples -am package}, then
 * {@code curl localhost:8080/users}; stop it with Ctrl+C. Arguments go in {@code -Dexec.args}: the port (default
 * 8080), then optionally an R2DBC URL to use instead of embedded H2.
 */
public final class WebApp {

    /** The embedded database the app runs on unless given another URL. */
    public static final String DEFAULT_URL = "r2dbc:h2:mem:///relata-web";

    /**
     * A credit card as the API shows it.
     *
     * @param id the card's id (ignored on POST)
     * @param number the card number
     */
    public record CardView(Long id, String number) {
    }

    /**
     * A company as the API shows it.
     *
     * @param id the company's id (ignored on POST)
     * @param name its unique name
     */
    public record CompanyView(Long id, String name) {
    }

    /**
     * A user with the preloaded card and company ({@code null} when there is none); also the POST body.
     *
     * @param id the user's id (ignored on POST)
     * @param name the user's name
     * @param creditCard the card, or {@code null}
     * @param company the company, or {@code null}
     */
    public record UserView(Long id, String name, CardView creditCard, CompanyView company) {

        static UserView of(User user) {
            CreditCard card = user.getCreditCard();
            Company company = user.getCompany();
            return new UserView(user.getId(), user.getName(),
                    card == null ? null : new CardView(card.getId(), card.getNumber()),
                    company == null ? null : new CompanyView(company.getId(), company.getName()));
        }
    }

    private final Repository<User> users;
    private final Repository<Company> companies;

    private WebApp(Relata db) {
        this.users = db.repository(User.class);
        this.companies = db.repository(Company.class);
    }

    /**
     * The app's routes over a database whose tables exist (see {@link #prepare(Relata)}).
     *
     * @param db the database
     * @return the router function
     */
    public static RouterFunction<ServerResponse> routes(Relata db) {
        WebApp app = new WebApp(db);
        return RouterFunctions.route()
                .GET("/users", app::list)
                .GET("/users/{id}", app::get)
                .POST("/users", app::create)
                .build();
    }

    /**
     * Creates the tables and, when there are no users yet, seeds three users with cards and two companies.
     *
     * @param db the database
     * @return completes when done
     */
    public static Mono<Void> prepare(Relata db) {
        Repository<User> users = db.repository(User.class);
        Repository<Company> companies = db.repository(Company.class);
        Mono<Void> seed = companies.saveAll(Flux.just(new Company("acme"), new Company("initech")))
                .collectList()
                .flatMapMany(saved -> users.saveAll(Flux.just(
                        user("jinzhu", "4111-1111", saved.get(0)),
                        user("ann", "5500-0000", saved.get(0)),
                        user("bob", "3700-0000", saved.get(1)))))
                .then();
        return db.migrate(Company.class, User.class, CreditCard.class)
                .then(users.findAll().count())
                .flatMap(count -> count == 0 ? seed : Mono.empty());
    }

    /**
     * Prepares the database, then binds a reactor-netty server with the routes.
     *
     * @param db the database
     * @param port the port; 0 picks a free one
     * @return the running server
     */
    public static Mono<DisposableServer> start(Relata db, int port) {
        HttpServer server = HttpServer.create()
                .port(port)
                .handle(new ReactorHttpHandlerAdapter(RouterFunctions.toHttpHandler(routes(db))));
        return prepare(db).then(Mono.defer(server::bind));
    }

    /**
     * Runs the app until the process is stopped.
     *
     * @param args optionally the port (default 8080), then an R2DBC URL to use instead of embedded H2
     */
    public static void main(String[] args) {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 8080;
        String url = args.length > 1 ? args[1] : DEFAULT_URL;
        Relata db = Relata.connect(url);
        // The main thread's only job is to wait for the server to close: the one block() in this app.
        start(db, port)
                .doOnNext(server -> {
                    Runtime.getRuntime().addShutdownHook(new Thread(server::disposeNow, "relata-web-shutdown"));
                    System.out.println("Relata web app listening: curl localhost:" + server.port() + "/users");
                })
                .flatMap(DisposableServer::onDispose)
                .then(db.close())
                .block();
    }

    private static User user(String name, String cardNumber, Company company) {
        User user = new User(name);
        user.setCreditCard(new CreditCard(cardNumber));
        user.setCompany(company);
        return user;
    }

    private Mono<ServerResponse> list(ServerRequest request) {
        Flux<UserView> body = this.users.findAll()
                .preload("creditCard")
                .preload("company")
                .orderBy("id")
                .flux()
                .map(UserView::of);
        MediaType type = request.headers().accept().contains(MediaType.APPLICATION_NDJSON)
                ? MediaType.APPLICATION_NDJSON
                : MediaType.APPLICATION_JSON;
        return ServerResponse.ok().contentType(type).body(body, UserView.class);
    }

    private Mono<ServerResponse> get(ServerRequest request) {
        long id;
        try {
            id = Long.parseLong(request.pathVariable("id"));
        }
        catch (NumberFormatException ex) {
            return ServerResponse.badRequest().build();
        }
        return this.users.where("id = ?", id)
                .preload("creditCard")
                .preload("company")
                .first()
                .map(UserView::of)
                .flatMap(user -> ServerResponse.ok().contentType(MediaType.APPLICATION_JSON).bodyValue(user))
                .switchIfEmpty(ServerResponse.notFound().build());
    }

    private Mono<ServerResponse> create(ServerRequest request) {
        return request.bodyToMono(UserView.class)
                .filter(body -> body.name() != null && !body.name().isBlank())
                .flatMap(this::toUser)
                .flatMap(this.users::save)
                .flatMap(saved -> ServerResponse.created(URI.create("/users/" + saved.getId()))
                        .contentType(MediaType.APPLICATION_JSON)
                        .bodyValue(UserView.of(saved)))
                .switchIfEmpty(ServerResponse.badRequest().build());
    }

    private Mono<User> toUser(UserView body) {
        User user = new User(body.name());
        if (body.creditCard() != null && body.creditCard().number() != null) {
            user.setCreditCard(new CreditCard(body.creditCard().number()));
        }
        if (body.company() == null || body.company().name() == null) {
            return Mono.just(user);
        }
        String name = body.company().name();
        // An existing company is linked by its id; an unknown name is created by the cascade, before the user.
        return this.companies.where("name = ?", name)
                .first()
                .switchIfEmpty(Mono.fromSupplier(() -> new Company(name)))
                .map(company -> {
                    user.setCompany(company);
                    return user;
                });
    }
}
