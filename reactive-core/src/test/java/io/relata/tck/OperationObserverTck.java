package io.relata.tck;

import static org.assertj.core.api.Assertions.assertThat;

import io.relata.Relata;
import io.relata.Repository;
import io.relata.spi.Operation;
import io.relata.spi.OperationObserver;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The {@link OperationObserver} seam on every database: which operations are observed, with which facts, and how
 * they nest (each preload batch inside the query that read its owners, nested levels inside their parent batch), seen
 * through the Reactor Context the way a tracing observer sees its parent span.
 */
public abstract class OperationObserverTck extends EagerLoadingFixtures {

    /** One observed operation and the operation it ran inside (from the Context), or "-". */
    record Seen(Operation operation, String parent) {

        String describe() {
            Operation o = this.operation;
            return o.kind().tag() + " " + o.entityName() + (o.association() == null ? "" : "." + o.association())
                    + (o.batchSize() == 0 ? "" : " x" + o.batchSize()) + " in " + this.parent;
        }
    }

    /** Records each operation at subscription and tells the operations inside it who their parent is. */
    static final class Recording implements OperationObserver {

        final List<Seen> seen = new CopyOnWriteArrayList<>();

        @Override
        public <T> Publisher<T> observe(Operation operation, Publisher<T> publisher) {
            return Flux.deferContextual(ctx -> {
                this.seen.add(new Seen(operation, ctx.getOrDefault("parent", "-")));
                String name = operation.kind().tag() + " " + operation.entityName()
                        + (operation.association() == null ? "" : "." + operation.association());
                return Flux.from(publisher).contextWrite(c -> c.put("parent", name));
            });
        }

        List<String> described() {
            List<String> out = new ArrayList<>();
            for (Seen s : this.seen) {
                out.add(s.describe());
            }
            return out;
        }
    }

    private final Recording recording = new Recording();

    private Relata observed;

    private Relata observed(int preloadBatchSize) {
        this.observed = Relata.builder(this.fresh.r2dbcUrl()).onStatement(this.statements::add)
                .preloadBatchSize(preloadBatchSize).observer(this.recording).build();
        return this.observed;
    }

    @AfterEach
    void closeObserved() {
        if (this.observed != null) {
            this.observed.close().block(TIMEOUT);
        }
    }

    @Test
    void eachPreloadBatchIsObservedInsideItsQueryWithItsAssociationAndSize() {
        seedForInserts();
        Relata db = observed(2);
        List<User> users = awaitAll(db.repository(User.class).findAll().orderBy("id").preload("creditCard")
                .preload("account.bank"));
        assertThat(users).extracting(u -> u.name).containsExactly("ann", "bob", "cid", "dan", "eve");
        assertThat(users.get(3).account.bank.name).isEqualTo("bank-a");
        assertThat(this.recording.described()).containsExactlyInAnyOrder(
                "find User in -",
                "preload User.account x2 in find User", "preload User.account x2 in find User",
                "preload User.account x1 in find User",
                // A nested level loads after its parent batch has attached its values (so a to-many batch's rows stay
                // capped), hence beside that batch inside the query, not inside it.
                "preload Account.bank x2 in find User", "preload Account.bank x1 in find User",
                "preload User.creditCard x2 in find User", "preload User.creditCard x2 in find User",
                "preload User.creditCard x1 in find User");
        assertThat(this.recording.seen).allSatisfy(s -> assertThat(s.operation().database())
                .isEqualTo(db.dialect().name()));
    }

    @Test
    void everyPublicOperationIsObservedOnceWithItsKind() {
        seedForInserts();
        Relata db = observed(1000);
        this.recording.seen.clear();
        Repository<User> users = db.repository(User.class);
        User zed = new User();
        zed.name = "zed";
        zed.creditCard = new CreditCard();
        zed.creditCard.number = "cz";
        await(users.save(zed));
        await(users.update(zed, "name", "zed2"));
        assertThat(await(users.where("name = ?", "zed2").count())).isEqualTo(1L);
        assertThat(awaitAll(users.findAll().joins("creditCard").where("users.id = ?", zed.getId())))
                .singleElement().satisfies(u -> assertThat(card(u)).isEqualTo("cz"));
        assertThat(await(users.<CreditCard>association(zed, "creditCard").find()).number).isEqualTo("cz");
        assertThat(await(db.exec("UPDATE users SET name = ? WHERE id = ?", "zed3", zed.getId()))).isEqualTo(1L);
        assertThat(await(users.deleteById(zed.getId()))).isEqualTo(1L);
        await(db.migrate(Company.class));
        assertThat(awaitAll(Flux.from(users.findAll().orderBy("id")).take(1))).hasSize(1);
        assertThat(this.recording.described()).containsExactly(
                "save User in -", "update User in -", "count User in -", "join User in -",
                "association User.creditCard in -", "find CreditCard in association User.creditCard",
                "exec none in -", "delete User in -", "migrate none in -", "find User in -");
    }

    @Test
    void insideATransactionThePiecesPreloadsAreObservedInsideTheQuery() {
        seedForInserts();
        Relata db = observed(2);
        this.recording.seen.clear();
        List<User> users = awaitAll(db.inTransaction(tx -> tx.repository(User.class).findAll().preload("company")));
        assertThat(users).hasSize(5);
        // Pieces of two owners: (ann, bob) and (cid, dan) share one company key each, eve has her own.
        assertThat(this.recording.described()).containsExactly("find User in -",
                "preload User.company x1 in find User", "preload User.company x1 in find User",
                "preload User.company x1 in find User");
        assertThat(await(Mono.from(db.repository(User.class).findAll().count()))).isEqualTo(5L);
    }
}
