package io.relata.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.relata.MappingException;
import io.relata.Model;
import io.relata.Query;
import io.relata.Repository;
import io.relata.annotation.Column;
import io.relata.annotation.Id;
import io.relata.annotation.Index;
import io.relata.annotation.Transient;
import io.relata.annotation.UniqueIndex;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/**
 * Foundation conformance: mapping, migration, CRUD, queries and transactions, run on every database.
 */
public abstract class CrudTck extends DatabaseTestSupport {

    public static class Person extends Model {
        @Index
        String name;
        Integer age;
        @Column("nick")
        String nickname;
        @Transient
        String scratch;

        Person() {
        }

        Person(String name, Integer age) {
            this.name = name;
            this.age = age;
        }
    }

    public static class Gadget {
        Long id;
        @UniqueIndex
        String serial;
        int weight;
    }

    public static class Tag {
        @Id
        String code;
        String label;
    }

    public static class Token {
        @Id
        UUID id;
        String value;
    }

    enum Color { RED, GREEN }

    public static class AllTypes {
        Long id;
        long primLong;
        Integer boxedInt;
        int primInt;
        Short shortValue;
        Boolean boxedBool;
        boolean primBool;
        String text;
        BigDecimal decimal;
        Double doubleValue;
        Float floatValue;
        Instant instant;
        LocalDate date;
        LocalDateTime localDateTime;
        OffsetDateTime offsetDateTime;
        UUID uuid;
        byte[] bytes;
        Color color;
    }

    public static class NoKey {
        String name;
    }

    public static class NoConstructor {
        Long id;

        NoConstructor(String id) {
        }
    }

    public static class BadField {
        Long id;
        List<String> names;
    }

    @Test
    void migrateCreatesTablesColumnsAndIndexesIdempotently() {
        migrate(Person.class, Gadget.class);
        assertThat(this.jdbc.tables()).contains("people", "gadgets");
        this.jdbc.update("INSERT INTO people (name, age, nick) VALUES (?, ?, ?)", "ann", 31, "a");
        this.db.migrate(Person.class, Gadget.class).block(TIMEOUT);
        assertThat(this.jdbc.count("SELECT COUNT(*) FROM people")).isEqualTo(1);
        this.jdbc.update("INSERT INTO gadgets (serial, weight) VALUES (?, ?)", "s-1", 3);
        assertThatThrownBy(() -> this.jdbc.update("INSERT INTO gadgets (serial, weight) VALUES (?, ?)", "s-1", 4))
                .as("the unique index on serial exists")
                .isInstanceOf(RuntimeException.class);
    }

    @Test
    void migrateAddsMissingColumnsToAnExistingTable() {
        this.jdbc.update("CREATE TABLE people (id BIGINT PRIMARY KEY, name VARCHAR(255))");
        this.jdbc.update("INSERT INTO people (id, name) VALUES (1, 'old')");
        migrate(Person.class);
        this.jdbc.update("UPDATE people SET age = 40, nick = 'o' WHERE id = 1");
        assertThat(this.jdbc.single("SELECT age FROM people WHERE id = 1")).isEqualTo(40);
        Person p = await(this.db.repository(Person.class).findById(1L));
        assertThat(p.name).isEqualTo("old");
        assertThat(p.nickname).isEqualTo("o");
    }

    @Test
    void saveInsertsAndWritesBackKeyAndTimestamps() {
        migrate(Person.class);
        Person p = new Person("jinzhu", 18);
        p.nickname = "jz";
        p.scratch = "not stored";
        Person saved = await(this.db.repository(Person.class).save(p));
        assertThat(saved).isSameAs(p);
        assertThat(p.getId()).isPositive();
        assertThat(p.getCreatedAt()).isNotNull().isEqualTo(p.getUpdatedAt());
        Map<String, Object> row = this.jdbc.query("SELECT * FROM people WHERE id = ?", p.getId()).get(0);
        assertThat(row).containsEntry("name", "jinzhu").containsEntry("nick", "jz").doesNotContainKey("scratch");
        assertThat(row.get("deleted_at")).isNull();
        assertThat(statementsStartingWith("INSERT")).hasSize(1);
    }

    @Test
    void saveUpdatesAnExistingEntity() {
        migrate(Person.class);
        Repository<Person> people = this.db.repository(Person.class);
        Person p = await(people.save(new Person("a", 1)));
        Instant created = p.getCreatedAt();
        p.name = "b";
        p.age = 2;
        await(people.save(p));
        assertThat(this.jdbc.count("SELECT COUNT(*) FROM people")).isEqualTo(1);
        assertThat(this.jdbc.single("SELECT name FROM people WHERE id = ?", p.getId())).isEqualTo("b");
        assertThat(p.getCreatedAt()).isEqualTo(created);
        assertThat(statementsStartingWith("UPDATE")).hasSize(1);
    }

    @Test
    void saveWithAnUnknownExplicitKeyInserts() {
        migrate(Tag.class);
        Tag t = new Tag();
        t.code = "java";
        t.label = "Java";
        await(this.db.repository(Tag.class).save(t));
        t.label = "Java 17";
        await(this.db.repository(Tag.class).save(t));
        assertThat(this.jdbc.query("SELECT code, label FROM tags"))
                .containsExactly(Map.of("code", "java", "label", "Java 17"));
    }

    @Test
    void uuidKeysAreGenerated() {
        migrate(Token.class);
        Token t = new Token();
        t.value = "v";
        await(this.db.repository(Token.class).save(t));
        assertThat(t.id).isNotNull();
        Token found = await(this.db.repository(Token.class).findById(t.id));
        assertThat(found.value).isEqualTo("v");
    }

    @Test
    void saveAllUsesMultiRowInsertsAndWritesBackKeysInOrder() {
        migrate(Person.class);
        List<Person> people = new ArrayList<>();
        for (int i = 0; i < 2500; i++) {
            people.add(new Person("p" + i, i));
        }
        List<Person> saved = awaitAll(this.db.repository(Person.class).saveAll(Flux.fromIterable(people)));
        assertThat(saved).containsExactlyElementsOf(people);
        assertThat(statementsStartingWith("INSERT")).hasSizeLessThanOrEqualTo(3);
        for (Map<String, Object> row : this.jdbc.query("SELECT id, name FROM people")) {
            long id = ((Number) row.get("id")).longValue();
            Person p = people.stream().filter(x -> x.getId() == id).findFirst().orElseThrow();
            assertThat(row.get("name")).isEqualTo(p.name);
        }
        assertThat(this.jdbc.count("SELECT COUNT(*) FROM people")).isEqualTo(2500);
    }

    @Test
    void allJavaTypesRoundTrip() {
        migrate(AllTypes.class);
        AllTypes a = new AllTypes();
        a.primLong = Long.MAX_VALUE;
        a.boxedInt = -7;
        a.primInt = 42;
        a.shortValue = (short) 12;
        a.boxedBool = Boolean.TRUE;
        a.primBool = true;
        a.text = "héllo ' \" ?";
        a.decimal = new BigDecimal("12345.6789");
        a.doubleValue = 1.5d;
        a.floatValue = 2.25f;
        a.instant = Instant.now().truncatedTo(ChronoUnit.MICROS);
        a.date = LocalDate.of(2024, 2, 29);
        a.localDateTime = LocalDateTime.of(2024, 1, 2, 3, 4, 5, 6000);
        a.offsetDateTime = OffsetDateTime.of(2024, 1, 2, 3, 4, 5, 0, ZoneOffset.ofHours(2));
        a.uuid = UUID.randomUUID();
        a.bytes = new byte[] {1, 2, 3, 0, -1};
        a.color = Color.GREEN;
        await(this.db.repository(AllTypes.class).save(a));
        AllTypes b = await(this.db.repository(AllTypes.class).findById(a.id));
        assertThat(b).usingRecursiveComparison().ignoringFields("offsetDateTime", "decimal").isEqualTo(a);
        assertThat(b.offsetDateTime.toInstant()).isEqualTo(a.offsetDateTime.toInstant());
        assertThat(b.decimal).isEqualByComparingTo(a.decimal);
        assertThat(this.jdbc.single("SELECT color FROM all_types")).isEqualTo("GREEN");

        AllTypes empty = new AllTypes();
        await(this.db.repository(AllTypes.class).save(empty));
        AllTypes nulls = await(this.db.repository(AllTypes.class).findById(empty.id));
        assertThat(nulls.text).isNull();
        assertThat(nulls.instant).isNull();
        assertThat(nulls.primInt).isZero();
    }

    @Test
    void findByIdIsEmptyWhenAbsentOrSoftDeleted() {
        migrate(Person.class);
        Repository<Person> people = this.db.repository(Person.class);
        Person p = await(people.save(new Person("a", 1)));
        assertThat(await(people.findById(p.getId())).name).isEqualTo("a");
        assertThat(await(people.findById(p.getId() + 1000))).isNull();
        assertThat(await(people.delete(p))).isEqualTo(1L);
        assertThat(this.jdbc.single("SELECT deleted_at FROM people WHERE id = ?", p.getId())).isNotNull();
        assertThat(await(people.findById(p.getId()))).isNull();
        assertThat(await(people.unscoped().findById(p.getId())).name).isEqualTo("a");
        assertThat(await(people.findAll().count())).isZero();
        assertThat(await(people.findAll().unscoped().count())).isEqualTo(1);
    }

    @Test
    void unscopedDeleteIsAHardDelete() {
        migrate(Person.class, Gadget.class);
        Repository<Person> people = this.db.repository(Person.class);
        Person p = await(people.save(new Person("a", 1)));
        assertThat(await(people.unscoped().delete(p))).isEqualTo(1L);
        assertThat(this.jdbc.count("SELECT COUNT(*) FROM people")).isZero();
        Gadget g = new Gadget();
        g.serial = "x";
        await(this.db.repository(Gadget.class).save(g));
        assertThat(await(this.db.repository(Gadget.class).deleteById(g.id))).isEqualTo(1L);
        assertThat(this.jdbc.count("SELECT COUNT(*) FROM gadgets")).isZero();
        assertThat(await(this.db.repository(Gadget.class).deleteById(g.id))).isZero();
    }

    @Test
    void queriesFilterOrderLimitOffsetAndCount() {
        migrate(Person.class);
        Repository<Person> people = this.db.repository(Person.class);
        awaitAll(people.saveAll(Flux.range(1, 10).map(i -> new Person("p" + i, i))));
        assertThat(awaitAll(people.where("age > ?", 7).orderBy("age DESC")).stream().map(p -> p.age))
                .containsExactly(10, 9, 8);
        assertThat(awaitAll(people.findAll().orderBy("age").limit(3).offset(2)).stream().map(p -> p.age))
                .containsExactly(3, 4, 5);
        assertThat(awaitAll(people.findAll().orderBy("age").offset(8)).stream().map(p -> p.age))
                .containsExactly(9, 10);
        assertThat(await(people.where("age <= ?", 4).count())).isEqualTo(4);
        assertThat(await(people.findAll().first()).age).isEqualTo(1);
        assertThat(await(people.where("name = ?", "nobody").first())).isNull();
        assertThat(awaitAll(people.where("people.name IN ?", List.of("p1", "p2")).orderBy("people.age")))
                .extracting(p -> p.name).containsExactly("p1", "p2");
        assertThat(awaitAll(people.where("name = ? AND age = ?", "p3", 3))).hasSize(1);
        assertThat(awaitAll(people.where("nick IS NULL"))).hasSize(10);
    }

    @Test
    void queriesAreColdAndImmutable() {
        migrate(Person.class);
        Repository<Person> people = this.db.repository(Person.class);
        Query<Person> all = people.findAll();
        Query<Person> some = all.where("age > ?", 1);
        assertThat(some).isNotSameAs(all);
        assertThat(this.statements).isEmpty();
        await(people.save(new Person("a", 1)));
        await(people.save(new Person("b", 2)));
        assertThat(awaitAll(all)).hasSize(2);
        assertThat(awaitAll(some)).hasSize(1);
        assertThat(awaitAll(all)).hasSize(2);
    }

    @Test
    void updateWritesOneColumnOnly() {
        migrate(Person.class);
        Repository<Person> people = this.db.repository(Person.class);
        Person p = await(people.save(new Person("a", 1)));
        Object updatedAt = this.jdbc.single("SELECT updated_at FROM people WHERE id = ?", p.getId());
        this.jdbc.update("UPDATE people SET nick = 'side' WHERE id = ?", p.getId());
        this.statements.clear();
        assertThat(await(people.update(p, "age", 99))).isEqualTo(1L);
        assertThat(p.age).isEqualTo(99);
        assertThat(this.statements).hasSize(1);
        assertThat(this.statements.get(0)).doesNotContain("name").doesNotContain("updated_at");
        Map<String, Object> row = this.jdbc.query("SELECT * FROM people WHERE id = ?", p.getId()).get(0);
        assertThat(row).containsEntry("nick", "side").containsEntry("name", "a");
        assertThat(((Number) row.get("age")).intValue()).isEqualTo(99);
        assertThat(row.get("updated_at")).isEqualTo(updatedAt);
        assertThat(await(people.update(p, "nick", "by column name"))).isEqualTo(1L);
        assertThat(p.nickname).isEqualTo("by column name");
    }

    @Test
    void execRunsRawStatementsWithBoundValues() {
        migrate(Person.class);
        await(this.db.repository(Person.class).save(new Person("a", 1)));
        String hostile = "x'; DROP TABLE people; --";
        assertThat(await(this.db.exec("UPDATE people SET name = ? WHERE age = ?", hostile, 1))).isEqualTo(1L);
        assertThat(this.jdbc.single("SELECT name FROM people")).isEqualTo(hostile);
        assertThat(awaitAll(this.db.repository(Person.class).where("name = ?", hostile))).hasSize(1);
        assertThat(this.jdbc.tables()).contains("people");
    }

    @Test
    void transactionCommitsOnCompletion() {
        migrate(Person.class);
        List<Person> saved = awaitAll(this.db.inTransaction(tx -> tx.repository(Person.class).save(new Person("a", 1))
                .then(tx.repository(Person.class).save(new Person("b", 2)))));
        assertThat(saved).hasSize(1);
        assertThat(this.jdbc.count("SELECT COUNT(*) FROM people")).isEqualTo(2);
    }

    @Test
    void transactionRollsBackOnError() {
        migrate(Person.class);
        Flux<Person> work = this.db.inTransaction(tx -> tx.repository(Person.class).save(new Person("a", 1))
                .then(Mono.<Person>error(new IllegalStateException("boom"))));
        StepVerifier.create(work).expectErrorMessage("boom").verify(TIMEOUT);
        assertThat(this.jdbc.count("SELECT COUNT(*) FROM people")).isZero();
    }

    @Test
    void transactionRollsBackOnCancel() {
        migrate(Person.class);
        AtomicBoolean saved = new AtomicBoolean();
        Flux<Object> work = this.db.inTransaction(tx -> tx.repository(Person.class).save(new Person("a", 1))
                .doOnNext(p -> saved.set(true))
                .thenMany(Flux.never()));
        StepVerifier.create(work).thenAwait(java.time.Duration.ofMillis(500)).thenCancel().verify(TIMEOUT);
        assertThat(saved).isTrue();
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(this.jdbc.count("SELECT COUNT(*) FROM people")).isZero());
    }

    @Test
    void aFailedSaveAllInsideATransactionLeavesNoRows() {
        migrate(Gadget.class);
        List<Gadget> gadgets = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            Gadget g = new Gadget();
            g.serial = i == 25 ? "s0" : "s" + i;
            gadgets.add(g);
        }
        Flux<Gadget> work = this.db.inTransaction(tx -> tx.repository(Gadget.class).saveAll(Flux.fromIterable(gadgets)));
        StepVerifier.create(work).expectError(io.r2dbc.spi.R2dbcDataIntegrityViolationException.class).verify(TIMEOUT);
        assertThat(this.jdbc.count("SELECT COUNT(*) FROM gadgets")).isZero();
    }

    @Test
    void badInputFailsBeforeAnySql() {
        migrate(Person.class);
        Repository<Person> people = this.db.repository(Person.class);
        assertThatThrownBy(() -> people.save(null)).isInstanceOf(NullPointerException.class);
        Person unsaved = new Person("x", 1);
        assertThatThrownBy(() -> people.update(unsaved, "nope", 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("nope").hasMessageContaining("age");
        assertThatThrownBy(() -> people.where("age = ? AND name = ?", 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("2 placeholders");
        assertThatThrownBy(() -> this.db.exec("DELETE FROM people WHERE id = ?"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> this.db.repository(NoKey.class))
                .isInstanceOf(MappingException.class).hasMessageContaining("NoKey").hasMessageContaining("primary key");
        assertThatThrownBy(() -> this.db.repository(NoConstructor.class))
                .isInstanceOf(MappingException.class).hasMessageContaining("no-argument constructor");
        assertThatThrownBy(() -> this.db.repository(BadField.class))
                .isInstanceOf(MappingException.class).hasMessageContaining("BadField.names");
        assertThatThrownBy(() -> this.db.migrate(NoKey.class)).isInstanceOf(MappingException.class);
        assertThatThrownBy(() -> people.findAll().limit(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThat(this.statements).isEmpty();
    }
}
