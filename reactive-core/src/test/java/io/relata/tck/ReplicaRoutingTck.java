package io.relata.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.r2dbc.spi.R2dbcException;
import io.relata.Relata;
import io.relata.Repository;
import io.relata.testing.Fresh;
import io.relata.testing.Jdbc;
import io.relata.testing.TestDatabase;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;

/**
 * Read/write routing, run on every database. The "replica" here is a second database on the same server holding
 * different rows from the primary, so which database answered shows in the data itself: a row read says where it
 * was read, and a write shows up on one side only (checked over JDBC on both). Real streaming replicas are tested in
 * the {@code Postgres*ReplicationIntegrationTests}.
 */
public abstract class ReplicaRoutingTck extends DatabaseTestSupport {

    public static class Note {
        Long id;
        String text;
        Tag tag;
    }

    public static class Tag {
        Long id;
        Long noteId;
        String label;
    }

    private Fresh replica;

    private Jdbc replicaJdbc;

    private Relata routed;

    @BeforeEach
    void openReplica() {
        this.replica = database().freshCompanion(this.fresh);
        this.replicaJdbc = this.replica.jdbc();
        migrate(Note.class, Tag.class);
        Relata other = Relata.connect(this.replica.r2dbcUrl());
        try {
            other.migrate(Note.class, Tag.class).block(TIMEOUT);
        }
        finally {
            other.close().block(TIMEOUT);
        }
        seed(this.jdbc, "primary");
        seed(this.replicaJdbc, "replica");
        this.routed = routed(this.replica.r2dbcUrl());
    }

    @AfterEach
    void closeReplica() {
        if (this.routed != null) {
            this.routed.close().block(TIMEOUT);
        }
        if (this.replica != null) {
            this.replica.close();
        }
    }

    /** Note 1 and its tag 1 (generated keys: explicit ones would not advance H2's and PostgreSQL's identities). */
    private static void seed(Jdbc jdbc, String side) {
        jdbc.update("INSERT INTO notes (text) VALUES (?)", "on " + side);
        jdbc.update("INSERT INTO tags (note_id, label) VALUES (?, ?)", 1L, side + " tag");
    }

    private Relata routed(String... replicaUrls) {
        this.statements.clear();
        return Relata.builder(this.fresh.r2dbcUrl()).onStatement(this.statements::add).replicas(replicaUrls).build();
    }

    /** A URL of this kind of database that refuses every connection. */
    private String unreachableUrl() {
        return switch (database()) {
            case H2 -> "r2dbc:h2:mem:///relata_no_such_db?options=IFEXISTS=TRUE";
            case POSTGRES -> "r2dbc:postgresql://postgres@127.0.0.1:1/relata";
            case MARIADB -> "r2dbc:mariadb://root@127.0.0.1:1/relata";
        };
    }

    private Repository<Note> notes() {
        return this.routed.repository(Note.class);
    }

    private static List<String> texts(List<Note> notes) {
        return notes.stream().map(n -> n.text).collect(Collectors.toList());
    }

    @Test
    void readsOutsideTransactionsGoToTheReplica() {
        this.replicaJdbc.update("INSERT INTO notes (text) VALUES (?)", "only on replica");
        assertThat(texts(awaitAll(notes().findAll().orderBy("id")))).containsExactly("on replica", "only on replica");
        assertThat(await(notes().findById(1L)).text).isEqualTo("on replica");
        assertThat(await(notes().where("id = ?", 1L).first()).text).isEqualTo("on replica");
        assertThat(await(notes().findAll().count())).isEqualTo(2L);
        assertThat(this.jdbc.count("SELECT COUNT(*) FROM notes")).isEqualTo(1L);
    }

    @Test
    void preloadsAndJoinsReadWhereTheirOwnersWereRead() {
        Note preloaded = await(notes().findAll().preload("tag").first());
        assertThat(preloaded.text).isEqualTo("on replica");
        assertThat(preloaded.tag.label).isEqualTo("replica tag");
        Note joined = await(notes().findAll().joins("tag").first());
        assertThat(joined.tag.label).isEqualTo("replica tag");
    }

    @Test
    void associationFindAndCountReadTheReplica() {
        Note owner = new Note();
        owner.id = 1L;
        this.replicaJdbc.update("INSERT INTO tags (note_id, label) VALUES (?, ?)", 1L, "newer replica tag");
        assertThat(await(notes().<Tag>association(owner, "tag").find()).label).isEqualTo("newer replica tag");
        assertThat(await(notes().association(owner, "tag").count())).isEqualTo(2L);
    }

    @Test
    void primaryAndTheContextKeySendReadsToThePrimary() {
        Note viaQuery = await(notes().findAll().preload("tag").primary().first());
        assertThat(viaQuery.text).isEqualTo("on primary");
        assertThat(viaQuery.tag.label).isEqualTo("primary tag");
        assertThat(await(notes().findById(1L).contextWrite(Relata.readFromPrimary())).text).isEqualTo("on primary");
        List<Note> viaContext = Flux.from(notes().findAll().preload("tag")).contextWrite(Relata.readFromPrimary())
                .collectList().block(TIMEOUT);
        assertThat(viaContext).singleElement().satisfies(n -> assertThat(n.tag.label).isEqualTo("primary tag"));
        // Only Boolean.TRUE asks for the primary.
        assertThat(await(notes().findById(1L).contextWrite(c -> c.put(Relata.READ_FROM_PRIMARY_KEY, "yes"))).text)
                .isEqualTo("on replica");
    }

    @Test
    void transactionsReadAndWriteOnThePrimary() {
        List<String> read = awaitAll(this.routed.inTransaction(tx -> {
            Repository<Note> inTx = tx.repository(Note.class);
            Note n = new Note();
            n.text = "written in tx";
            return inTx.save(n).thenMany(inTx.findAll().preload("tag").orderBy("id").flux())
                    .map(note -> note.text + "/" + (note.tag == null ? "-" : note.tag.label));
        }));
        assertThat(read).containsExactly("on primary/primary tag", "written in tx/-");
        assertThat(this.jdbc.count("SELECT COUNT(*) FROM notes WHERE text = ?", "written in tx")).isEqualTo(1L);
        assertThat(this.replicaJdbc.count("SELECT COUNT(*) FROM notes")).isEqualTo(1L);
    }

    @Test
    void writesGoToThePrimaryOnly() {
        List<Map<String, Object>> replicaBefore = replicaRows();
        Note n = new Note();
        n.text = "saved";
        n.tag = new Tag();
        n.tag.label = "saved tag";
        await(notes().save(n));
        await(notes().update(n, "text", "updated"));
        Tag other = new Tag();
        other.label = "replacement";
        await(notes().<Tag>association(n, "tag").replace(other));
        await(this.routed.exec("UPDATE notes SET text = ? WHERE id = ?", "exec'd", 1L));
        await(notes().saveAll(Flux.just(note("batch 1"), note("batch 2"))).then());
        await(notes().delete(n, "tag"));

        assertThat(this.jdbc.query("SELECT text FROM notes ORDER BY id")).extracting(r -> r.get("text"))
                .containsExactly("exec'd", "batch 1", "batch 2");
        assertThat(this.jdbc.query("SELECT label FROM tags ORDER BY id")).extracting(r -> r.get("label"))
                .containsExactly("primary tag", "saved tag");
        assertThat(replicaRows()).isEqualTo(replicaBefore);
    }

    private static Note note(String text) {
        Note n = new Note();
        n.text = text;
        return n;
    }

    private List<Map<String, Object>> replicaRows() {
        List<Map<String, Object>> rows = new java.util.ArrayList<>(
                this.replicaJdbc.query("SELECT id, text FROM notes ORDER BY id"));
        rows.addAll(this.replicaJdbc.query("SELECT id, note_id, label FROM tags ORDER BY id"));
        return rows;
    }

    @Test
    void migrateReadsTheCatalogOfThePrimary() {
        // The replica has no such table: had migrate read the replica's catalog, the second run would create it again
        // on the primary and fail.
        await(this.routed.migrate(Note.class, Tag.class, Extra.class));
        await(this.routed.migrate(Note.class, Tag.class, Extra.class));
        assertThat(this.jdbc.tables()).contains("extras");
        assertThat(this.replicaJdbc.tables()).doesNotContain("extras");
    }

    public static class Extra {
        Long id;
        String value;
    }

    @Test
    void aReplicaThatRefusesConnectionsIsSkipped() {
        this.routed.close().block(TIMEOUT);
        this.routed = routed(unreachableUrl(), this.replica.r2dbcUrl());
        for (int i = 0; i < 4; i++) {
            // Whichever replica's turn it is, every read is answered by the one that works.
            assertThat(await(notes().findById(1L)).text).isEqualTo("on replica");
        }
        assertThat(texts(awaitAll(notes().findAll()))).containsExactly("on replica");
    }

    @Test
    void withEveryReplicaDownReadsGoToThePrimaryInBoundedTime() {
        this.routed.close().block(TIMEOUT);
        this.routed = routed(unreachableUrl(), unreachableUrl());
        Duration bound = Duration.ofSeconds(20);
        assertThat(notes().findAll().preload("tag").first().block(bound).tag.label).isEqualTo("primary tag");
        assertThat(notes().findAll().count().block(bound)).isEqualTo(1L);
    }

    @Test
    void aStatementErrorIsSignalledNotRetried() {
        assertThatThrownBy(() -> awaitAll(notes().where("no_such_column = ?", 1)))
                .isInstanceOf(R2dbcException.class);
        assertThat(statementsStartingWith("SELECT")).hasSize(1);
        // The replica was not left out for it.
        assertThat(await(notes().findById(1L)).text).isEqualTo("on replica");
    }

    @Test
    void aReplicaOfAnotherKindOfDatabaseIsRefused() {
        String other = database() == TestDatabase.H2 ? "r2dbc:postgresql://postgres@127.0.0.1:1/relata"
                : "r2dbc:h2:mem:///relata_other_kind";
        assertThatThrownBy(() -> Relata.builder(this.fresh.r2dbcUrl()).replicas(other).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("replica 1")
                .hasMessageContaining("replicas must be copies of the primary");
    }
}
