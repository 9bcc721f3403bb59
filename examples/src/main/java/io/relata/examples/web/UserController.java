package io.relata.examples.web;

import java.net.URI;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The HTTP API. Handlers return Relata's {@code Flux}/{@code Mono} (mapped to views) directly: nothing waits on the
 * database on a Netty thread.
 */
@RestController
@RequestMapping("/users")
class UserController {

    private final UserService users;

    UserController(UserService users) {
        this.users = users;
    }

    /** Every user as one JSON array, cards and companies preloaded. */
    @GetMapping(produces = MediaType.APPLICATION_JSON_VALUE)
    Flux<UserView> list() {
        return this.users.all().map(UserView::of);
    }

    /**
     * Every user as newline-delimited JSON, one per line, written as Relata streams them: WebFlux asks for more only
     * as the client reads, and a client that goes away cancels the query and its preloads.
     */
    @GetMapping(value = "/stream", produces = MediaType.APPLICATION_NDJSON_VALUE)
    Flux<UserView> stream() {
        return this.users.all().map(UserView::of);
    }

    @GetMapping("/{id}")
    Mono<ResponseEntity<UserView>> get(@PathVariable("id") long id) {
        return this.users.find(id).map(user -> ResponseEntity.ok(UserView.of(user)))
                .defaultIfEmpty(ResponseEntity.notFound().build());
    }

    @PostMapping
    Mono<ResponseEntity<UserView>> create(@RequestBody UserView body) {
        return this.users.create(body).map(saved -> ResponseEntity.created(URI.create("/users/" + saved.getId()))
                .body(UserView.of(saved)));
    }

    @DeleteMapping("/{id}")
    Mono<ResponseEntity<Void>> delete(@PathVariable("id") long id) {
        return this.users.delete(id).map(deleted -> deleted ? ResponseEntity.noContent().<Void>build()
                : ResponseEntity.notFound().<Void>build());
    }
}
