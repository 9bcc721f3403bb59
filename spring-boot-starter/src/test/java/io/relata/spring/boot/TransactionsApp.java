package io.relata.spring.boot;

import io.relata.Relata;
import io.relata.Repository;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Import;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A Boot application whose service writes through Relata and through Spring's {@link DatabaseClient} in one
 * {@code @Transactional} method, or in a {@link TransactionalOperator}: what a Relata user writes.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
@Import(TransactionsApp.Writes.class)
class TransactionsApp {

    /** Thrown by the service to make Spring roll back. */
    static final class Failure extends RuntimeException {

        private static final long serialVersionUID = 1L;

        Failure(String message) {
            super(message);
        }
    }

    @Service
    static class Writes {

        private final Relata db;

        private final Repository<Owner> owners;

        private final DatabaseClient client;

        private final TransactionalOperator operator;

        Writes(Relata db, DatabaseClient client, TransactionalOperator operator) {
            this.db = db;
            this.owners = db.repository(Owner.class);
            this.client = client;
            this.operator = operator;
        }

        /** One owner and its pet through Relata (a cascaded save), one note through DatabaseClient. */
        Mono<Void> writeBoth(String name) {
            return this.owners.save(new Owner(name, name + "-pet"))
                    .then(this.client.sql("INSERT INTO notes (text) VALUES (:text)").bind("text", name).fetch()
                            .rowsUpdated())
                    .then();
        }

        @Transactional
        public Mono<Void> writeBothAndCommit(String name) {
            return writeBoth(name);
        }

        @Transactional
        public Mono<Void> writeBothThenFail(String name) {
            return writeBoth(name).then(Mono.error(new Failure("failed after writing " + name)));
        }

        /** The same in a TransactionalOperator instead of an annotation. */
        public Mono<Void> writeBothThenFailWithOperator(String name) {
            return writeBoth(name).then(Mono.<Void>error(new Failure("failed after writing " + name)))
                    .as(this.operator::transactional);
        }

        /**
         * Relata's insert seen by DatabaseClient, and DatabaseClient's seen by Relata, before the commit: only the
         * same connection sees another's uncommitted rows. Then fails, so both roll back.
         */
        @Transactional
        public Mono<String> writeAndReadAcrossThenFail(String name) {
            Mono<Long> clientSeesRelata = this.client.sql("SELECT COUNT(*) FROM owners WHERE name = :name")
                    .bind("name", name).map(row -> ((Number) row.get(0)).longValue()).one();
            Mono<Long> relataSeesClient = this.db.exec("UPDATE notes SET text = ? WHERE text = ?", name + "!", name);
            return writeBoth(name).then(clientSeesRelata)
                    .flatMap(owners -> relataSeesClient.flatMap(notes -> Mono.error(new Failure("client saw " + owners
                            + " owner(s), Relata updated " + notes + " note(s)"))));
        }

        /** Relata's own transaction inside Spring's joins it: the failure after it still rolls it back. */
        @Transactional
        public Mono<Void> relataTransactionInsideThenFail(String name) {
            return this.db.inTransaction(tx -> tx.repository(Owner.class).save(new Owner(name, name + "-pet")))
                    .then(Mono.error(new Failure("failed after Relata's inner transaction")));
        }

        /** Every owner with its pet, preloaded inside a transaction. */
        @Transactional(readOnly = true)
        public Flux<Owner> preloadAll() {
            return this.owners.findAll().preload("pet").flux();
        }

        /** Writes, then streams the owners; the caller cancels part-way. */
        @Transactional
        public Flux<Owner> writeThenStream(String name) {
            return writeBoth(name).thenMany(this.owners.findAll().preload("pet"));
        }
    }
}
