package io.relata.examples.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import io.relata.examples.web.UserView.CardView;
import io.relata.examples.web.UserView.CompanyView;
import io.relata.spring.boot.RelataPreloadPool;
import io.relata.testing.FreshPerClass;
import io.relata.testing.Jdbc;
import io.relata.testing.TestDatabase;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * The example application, started by Spring Boot on a random port with BlockHound installed, driven over HTTP by
 * {@link WebTestClient}: every endpoint, errors, and a 100,000-user stream read in full and cancelled part-way. The
 * database is checked over plain JDBC. Run on H2 and PostgreSQL by the subclasses.
 */
@ExtendWith(FreshPerClass.class) // before SpringExtension: closes the database after Spring closed the app
@SpringBootTest(classes = WebApp.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureWebTestClient(timeout = "PT2M")
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
abstract class WebAppTck {

    private static final Duration TIMEOUT = Duration.ofMinutes(2);

    @Autowired
    private WebTestClient client;

    @Autowired
    private UserService service;

    @Autowired
    private MeterRegistry registry;

    private static Jdbc jdbc() {
        return FreshPerClass.current().jdbc();
    }

    /** Called by each subclass's {@code @DynamicPropertySource}: a fresh database for its application. */
    static void database(DynamicPropertyRegistry registry, TestDatabase database) {
        String url = FreshPerClass.open(database).r2dbcUrl();
        registry.add("spring.r2dbc.url", () -> url);
    }


    /** The three seeded users again, whatever the previous test did. */
    @BeforeEach
    void seed() {
        Jdbc jdbc = jdbc();
        jdbc.update("DELETE FROM credit_cards");
        jdbc.update("DELETE FROM users");
        jdbc.update("DELETE FROM companies");
        this.service.prepare().block(TIMEOUT);
    }

    private long count(String table) {
        return jdbc().count("SELECT COUNT(*) FROM " + table);
    }

    private List<UserView> list() {
        return this.client.get().uri("/users").accept(MediaType.APPLICATION_JSON).exchange()
                .expectStatus().isOk()
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_JSON)
                .expectBodyList(UserView.class).returnResult().getResponseBody();
    }

    @Test
    void listsTheUsersWithTheirCardsAndCompanies() {
        List<UserView> users = list();
        assertThat(users).extracting(UserView::name).containsExactly("jinzhu", "ann", "bob");
        assertThat(users).extracting(u -> u.creditCard().number()).containsExactly("4111-1111", "5500-0000",
                "3700-0000");
        assertThat(users).extracting(u -> u.company().name()).containsExactly("acme", "acme", "initech");
        assertThat(users).allSatisfy(u -> assertThat(List.of(u.id(), u.creditCard().id(), u.company().id()))
                .doesNotContainNull());
    }

    @Test
    void streamsTheUsersAsNdjson() {
        List<UserView> users = this.client.get().uri("/users/stream").exchange()
                .expectStatus().isOk()
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_NDJSON)
                .returnResult(UserView.class).getResponseBody().collectList().block(TIMEOUT);
        assertThat(users).extracting(UserView::name).containsExactly("jinzhu", "ann", "bob");
        assertThat(users).extracting(u -> u.company().name()).containsExactly("acme", "acme", "initech");
    }

    @Test
    void findsOneUserAnd404sAMissingOneAnd400sAMalformedId() {
        UserView ann = list().get(1);
        UserView found = this.client.get().uri("/users/{id}", ann.id()).exchange()
                .expectStatus().isOk().expectBody(UserView.class).returnResult().getResponseBody();
        assertThat(found).isEqualTo(ann);
        this.client.get().uri("/users/{id}", ann.id() + 1_000).exchange().expectStatus().isNotFound();
        this.client.get().uri("/users/abc").exchange()
                .expectStatus().isBadRequest()
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().jsonPath("$.status").isEqualTo(400).jsonPath("$.detail").value(String.class,
                        detail -> assertThat(detail).contains("abc"));
    }

    @Test
    void createsANestedGraphInOneTransactionLinkingAnExistingCompany() {
        UserView body = new UserView(null, "dee", new CardView(null, "6011-0000"), new CompanyView(null, "acme"));
        UserView created = this.client.post().uri("/users").contentType(MediaType.APPLICATION_JSON).bodyValue(body)
                .exchange()
                .expectStatus().isCreated()
                .expectHeader().valueMatches("Location", "/users/\\d+")
                .expectBody(UserView.class).returnResult().getResponseBody();
        assertThat(created).isNotNull();
        assertThat(created.creditCard().number()).isEqualTo("6011-0000");
        assertThat(created.company()).isEqualTo(list().get(0).company());
        UserView fetched = this.client.get().uri("/users/{id}", created.id()).exchange()
                .expectStatus().isOk().expectBody(UserView.class).returnResult().getResponseBody();
        assertThat(fetched).isEqualTo(created);
        assertThat(jdbc().count("SELECT COUNT(*) FROM credit_cards c JOIN users u ON c.user_id = u.id "
                + "WHERE u.name = 'dee' AND c.number = '6011-0000' AND u.company_id = ?", created.company().id()))
                .isEqualTo(1);
        assertThat(count("companies")).as("acme linked, not duplicated").isEqualTo(2);
    }

    @Test
    void badJsonIs400WithAProblemBodyAndWritesNothing() {
        this.client.post().uri("/users").contentType(MediaType.APPLICATION_JSON).bodyValue("{\"name\": \"eve\", ")
                .exchange()
                .expectStatus().isBadRequest()
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().jsonPath("$.title").isEqualTo("Bad request")
                .jsonPath("$.detail").value(String.class, detail -> assertThat(detail)
                        .contains("Failed to read HTTP message", "Unexpected end-of-input"));
        this.client.post().uri("/users").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(new UserView(null, " ", new CardView(null, "1"), null)).exchange()
                .expectStatus().isBadRequest()
                .expectBody().jsonPath("$.detail").isEqualTo("name must not be blank");
        assertThat(count("users")).isEqualTo(3);
        assertThat(count("credit_cards")).isEqualTo(3);
    }

    @Test
    void aConstraintViolationIs409AndRollsBackTheWholeGraph() {
        // The new company and the user are inserted before the card, whose number is taken: all three roll back.
        UserView body = new UserView(null, "eve", new CardView(null, "4111-1111"), new CompanyView(null, "globex"));
        this.client.post().uri("/users").contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange()
                .expectStatus().isEqualTo(HttpStatus.CONFLICT)
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().jsonPath("$.title").isEqualTo("Constraint violation")
                .jsonPath("$.detail").value(String.class, detail -> assertThat(detail.toLowerCase())
                        .contains("credit_cards").containsAnyOf("unique", "duplicate"));
        assertThat(count("users")).isEqualTo(3);
        assertThat(count("companies")).isEqualTo(2);
        assertThat(count("credit_cards")).isEqualTo(3);
    }

    @Test
    void deletesAUserWithItsCard() {
        UserView bob = list().get(2);
        this.client.delete().uri("/users/{id}", bob.id()).exchange().expectStatus().isNoContent();
        this.client.get().uri("/users/{id}", bob.id()).exchange().expectStatus().isNotFound();
        this.client.delete().uri("/users/{id}", bob.id()).exchange().expectStatus().isNotFound();
        assertThat(list()).extracting(UserView::name).containsExactly("jinzhu", "ann");
        List<Map<String, Object>> rows = jdbc().query("SELECT u.deleted_at AS u, c.deleted_at AS c FROM users u "
                + "JOIN credit_cards c ON c.user_id = u.id WHERE u.id = ?", bob.id());
        assertThat(rows).singleElement().satisfies(row -> assertThat(row.values()).doesNotContainNull());
    }

    @Test
    void streamsOneHundredThousandUsersInFullAndCancelledPartWay() {
        int n = 100_000;
        Jdbc jdbc = jdbc();
        long acme = jdbc.count("SELECT id FROM companies WHERE name = 'acme'");
        jdbc.update("INSERT INTO users (name, company_id) SELECT CONCAT('u', x), ? FROM " + series(n), acme);
        jdbc.update("INSERT INTO credit_cards (number, user_id) SELECT CONCAT('c', id), id FROM users "
                + "WHERE name LIKE 'u%'");
        long[] seen = new long[1];
        long total = this.client.get().uri("/users/stream").exchange().expectStatus().isOk()
                .returnResult(UserView.class).getResponseBody()
                .doOnNext(u -> {
                    if (u.name().startsWith("u") && u.creditCard() != null && "acme".equals(u.company().name())
                            && ("c" + u.id()).equals(u.creditCard().number())) {
                        seen[0]++;
                    }
                })
                .count().block(TIMEOUT);
        assertThat(total).isEqualTo(n + 3);
        assertThat(seen[0]).as("every streamed user with its own card and company").isEqualTo(n);
        awaitPoolsIdle();

        List<UserView> first = this.client.get().uri("/users/stream").exchange().expectStatus().isOk()
                .returnResult(UserView.class).getResponseBody().take(2_500).collectList().block(TIMEOUT);
        assertThat(first).hasSize(2_500);
        awaitPoolsIdle();
        // Every connection went back in working order: the app still answers.
        this.client.get().uri("/users/{id}", first.get(0).id()).exchange().expectStatus().isOk()
                .expectBody(UserView.class).isEqualTo(first.get(0));
    }

    /** Both pools' r2dbc-pool gauges (Boot's, and Relata's preload pool) show no connection in use. */
    private void awaitPoolsIdle() {
        Awaitility.await().atMost(TIMEOUT).untilAsserted(() -> {
            for (String pool : List.of("connectionFactory", RelataPreloadPool.NAME)) {
                assertThat(this.registry.get("r2dbc.pool.acquired").tag("name", pool).gauge().value())
                        .as("connections of %s in use", pool).isZero();
            }
        });
    }

    private static String series(int n) {
        return FreshPerClass.current().database() == TestDatabase.POSTGRES
                ? "(SELECT generate_series(1, " + n + ") AS x) s"
                : "(SELECT X AS x FROM SYSTEM_RANGE(1, " + n + ")) s";
    }
}
