package io.relata.examples.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.relata.Relata;
import io.relata.examples.Demo.Company;
import io.relata.examples.Demo.CreditCard;
import io.relata.examples.Demo.User;
import io.relata.examples.web.WebApp.CardView;
import io.relata.examples.web.WebApp.CompanyView;
import io.relata.examples.web.WebApp.UserView;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;

/**
 * The WebFlux app on a real reactor-netty server on a random port, over a fresh embedded H2 database per test.
 * BlockHound is installed for the whole JVM (blockhound-junit-platform), so a blocking call on a Netty event-loop
 * thread (or any other non-blocking thread) fails the request, and with it the test.
 */
class WebAppIntegrationTests {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private Relata db;
    private DisposableServer server;
    private WebTestClient client;

    @BeforeEach
    void start() {
        this.db = Relata.connect("r2dbc:h2:mem:///relata-web-it-" + UUID.randomUUID());
        this.server = WebApp.start(this.db, 0).block(TIMEOUT);
        this.client = WebTestClient.bindToServer()
                .baseUrl("http://localhost:" + this.server.port())
                .responseTimeout(TIMEOUT)
                .build();
    }

    @AfterEach
    void stop() {
        if (this.server != null) {
            this.server.disposeNow(TIMEOUT);
        }
        this.db.close().block(TIMEOUT);
    }

    @Test
    void blockHoundIsWatching() {
        assertThatThrownBy(() -> Mono.delay(Duration.ofMillis(1))
                .doOnNext(tick -> sleep())
                .block(TIMEOUT))
                .hasMessageContaining("Blocking call");
    }

    @Test
    void listsTheSeededUsersWithTheirCardsAndCompanies() {
        List<UserView> users = this.client.get().uri("/users").accept(MediaType.APPLICATION_JSON)
                .exchange()
                .expectStatus().isOk()
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_JSON)
                .expectBodyList(UserView.class)
                .returnResult()
                .getResponseBody();
        assertThat(users).isNotNull();
        assertThat(users).extracting(UserView::name).containsExactly("jinzhu", "ann", "bob");
        assertThat(users).extracting(user -> user.creditCard().number())
                .containsExactly("4111-1111", "5500-0000", "3700-0000");
        assertThat(users).extracting(user -> user.company().name()).containsExactly("acme", "acme", "initech");
        assertThat(users).allSatisfy(user -> {
            assertThat(user.id()).isNotNull();
            assertThat(user.creditCard().id()).isNotNull();
            assertThat(user.company().id()).isNotNull();
        });
    }

    @Test
    void streamsTheUsersAsNdjson() {
        List<UserView> users = this.client.get().uri("/users").accept(MediaType.APPLICATION_NDJSON)
                .exchange()
                .expectStatus().isOk()
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_NDJSON)
                .returnResult(UserView.class)
                .getResponseBody()
                .collectList()
                .block(TIMEOUT);
        assertThat(users).extracting(UserView::name).containsExactly("jinzhu", "ann", "bob");
        assertThat(users).extracting(user -> user.creditCard().number())
                .containsExactly("4111-1111", "5500-0000", "3700-0000");
    }

    @Test
    void findsOneUserByIdWithItsAssociations() {
        UserView first = this.client.get().uri("/users/1").exchange()
                .expectStatus().isOk()
                .expectBody(UserView.class).returnResult().getResponseBody();
        assertThat(first).isNotNull();
        assertThat(first.name()).isEqualTo("jinzhu");
        assertThat(first.creditCard().number()).isEqualTo("4111-1111");
        assertThat(first.company().name()).isEqualTo("acme");
    }

    @Test
    void answers404ForAMissingIdAnd400ForAMalformedOne() {
        this.client.get().uri("/users/999").exchange().expectStatus().isNotFound();
        this.client.get().uri("/users/abc").exchange().expectStatus().isBadRequest();
    }

    @Test
    void createsAUserWithACardInOneCascadedSave() {
        UserView body = new UserView(null, "dee", new CardView(null, "6011-0000"), new CompanyView(null, "acme"));
        UserView created = this.client.post().uri("/users").contentType(MediaType.APPLICATION_JSON).bodyValue(body)
                .exchange()
                .expectStatus().isEqualTo(HttpStatus.CREATED)
                .expectHeader().valueMatches("Location", "/users/\\d+")
                .expectBody(UserView.class).returnResult().getResponseBody();
        assertThat(created).isNotNull();
        assertThat(created.id()).isNotNull();
        assertThat(created.creditCard().id()).isNotNull();
        assertThat(created.creditCard().number()).isEqualTo("6011-0000");
        assertThat(created.company().name()).isEqualTo("acme");

        UserView fetched = this.client.get().uri("/users/{id}", created.id()).exchange()
                .expectStatus().isOk()
                .expectBody(UserView.class).returnResult().getResponseBody();
        assertThat(fetched).isEqualTo(created);

        // Rows, through the API: one more user and card, and the existing company reused, not duplicated.
        assertThat(this.db.repository(User.class).findAll().count().block(TIMEOUT)).isEqualTo(4L);
        assertThat(this.db.repository(CreditCard.class).findAll().count().block(TIMEOUT)).isEqualTo(4L);
        assertThat(this.db.repository(Company.class).findAll().count().block(TIMEOUT)).isEqualTo(2L);
        CreditCard card = this.db.repository(CreditCard.class).where("number = ?", "6011-0000").first().block(TIMEOUT);
        assertThat(card).isNotNull();
        assertThat(card.getUserId()).isEqualTo(created.id());
    }

    @Test
    void createsANewCompanyOnTheWayAndRejectsANamelessUser() {
        UserView body = new UserView(null, "eve", new CardView(null, "3000-0000"), new CompanyView(null, "globex"));
        UserView created = this.client.post().uri("/users").bodyValue(body).exchange()
                .expectStatus().isCreated()
                .expectBody(UserView.class).returnResult().getResponseBody();
        assertThat(created).isNotNull();
        assertThat(created.company().id()).isNotNull();
        assertThat(this.db.repository(Company.class).findAll().count().block(TIMEOUT)).isEqualTo(3L);

        this.client.post().uri("/users").bodyValue(new UserView(null, " ", null, null)).exchange()
                .expectStatus().isBadRequest();
        assertThat(this.db.repository(User.class).findAll().count().block(TIMEOUT)).isEqualTo(4L);
    }

    private static void sleep() {
        try {
            Thread.sleep(1);
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
    }
}
