package io.relata.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.relata.Model;
import io.relata.Repository;
import io.relata.annotation.Table;
import io.relata.tck.BrownfieldModels.Gauge;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;

/**
 * {@code saveAll}'s batched inserts, on every database: every mapped type and {@code NULL} round-trip, generated keys
 * come back in row order across statements, values are converted for the live column type and a value that does not
 * fit is refused before any SQL. Where the dialect binds one array per column
 * ({@code Dialect.supportsArrayInsert()}, PostgreSQL: {@code INSERT ... SELECT ... FROM unnest(...)}), the suite also
 * checks that the inserts take that form, with one statement text for every number of rows, and that a column whose
 * array cannot be bound ({@code bytea}) falls back to {@code VALUES}. State is checked over plain JDBC.
 */
public abstract class SaveAllTck extends DatabaseTestSupport {

    enum Mood { CALM, ANGRY }

    /** Every mapped type whose array PostgreSQL binds, boxed (so each may be {@code NULL}) and primitive. */
    public static class Sample {
        Long id;
        long primLong;
        Long boxedLong;
        Integer boxedInt;
        int primInt;
        Short shortValue;
        Boolean boxedBool;
        boolean primBool;
        String note;
        BigDecimal amount;
        Double doubleValue;
        Float floatValue;
        Instant moment;
        LocalDate birthday;
        LocalDateTime localDateTime;
        OffsetDateTime offsetDateTime;
        UUID token;
        Mood mood;
    }

    /** A {@code byte[]} column: PostgreSQL's driver cannot bind {@code bytea} arrays faithfully. */
    public static class Blob {
        Long id;
        String name;
        byte[] bytes;
    }

    public static class Crate extends Model {
        String name;
        List<Bottle> bottles;
    }

    public static class Bottle extends Model {
        Long crateId;
        String title;
    }

    /** Mapped onto a table made by plain SQL: {@code tag} has a default, {@code memo} has none. */
    @Table("labels")
    public static class Label {
        Long id;
        String name;
        String tag;
        String memo;
    }

    private boolean arrays() {
        return this.db.dialect().supportsArrayInsert();
    }

    private static Sample sample(int i) {
        Sample s = new Sample();
        s.primLong = Long.MAX_VALUE - i;
        s.boxedLong = Long.MIN_VALUE + i;
        s.boxedInt = -i;
        s.primInt = i;
        s.shortValue = (short) (i % 30_000);
        s.boxedBool = i % 2 == 0;
        s.primBool = i % 2 == 1;
        s.note = "héllo ' \" ? , {} \\ NULL " + i;
        s.amount = new BigDecimal("12345.6789").add(BigDecimal.valueOf(i));
        s.doubleValue = 1.5d + i;
        s.floatValue = 2.25f + i;
        s.moment = Instant.parse("2024-03-31T01:02:03.123456Z").plusSeconds(i);
        s.birthday = LocalDate.of(2024, 2, 29).plusDays(i);
        s.localDateTime = LocalDateTime.of(2024, 1, 2, 3, 4, 5, 6000).plusMinutes(i);
        s.offsetDateTime = OffsetDateTime.of(2024, 1, 2, 3, 4, 5, 7000, ZoneOffset.ofHours(2)).plusHours(i);
        s.token = UUID.randomUUID();
        s.mood = i % 2 == 0 ? Mood.CALM : Mood.ANGRY;
        return s;
    }

    @Test
    void saveAllRoundTripsEveryMappedTypeAndNulls() {
        migrate(Sample.class);
        List<Sample> samples = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            samples.add(sample(i));
        }
        // Texts an array literal would read otherwise: the word NULL, the empty string.
        samples.get(3).note = "NULL";
        samples.get(4).note = "";
        // A row of NULLs (and primitives' zeros) between the others: NULL elements inside each array.
        samples.add(2, new Sample());
        Sample partly = sample(9);
        partly.note = null;
        partly.moment = null;
        partly.amount = null;
        samples.add(partly);
        assertThat(awaitAll(this.db.repository(Sample.class).saveAll(Flux.fromIterable(samples))))
                .containsExactlyElementsOf(samples);

        assertThat(statementsStartingWith("INSERT")).hasSize(1)
                .allSatisfy(sql -> assertThat(sql.contains("unnest(")).isEqualTo(arrays()));
        assertThat(this.jdbc.count("SELECT COUNT(*) FROM samples")).isEqualTo(samples.size());
        for (Sample s : samples) {
            assertThat(s.id).isNotNull();
            Sample read = await(this.db.repository(Sample.class).findById(s.id));
            assertThat(read).usingRecursiveComparison().ignoringFields("offsetDateTime", "amount").isEqualTo(s);
            assertThat(read.offsetDateTime == null ? null : read.offsetDateTime.toInstant())
                    .isEqualTo(s.offsetDateTime == null ? null : s.offsetDateTime.toInstant());
            if (s.amount == null) {
                assertThat(read.amount).isNull();
            }
            else {
                assertThat(read.amount).isEqualByComparingTo(s.amount);
            }
        }
        // The side channel: each row is where its key says, with its values.
        for (Sample s : samples.subList(3, samples.size())) {
            assertThat(this.jdbc.count("SELECT COUNT(*) FROM samples WHERE id = ? AND prim_long = ? AND prim_int = ? "
                    + "AND birthday = ? AND local_date_time = ? AND mood = ?", s.id, s.primLong, s.primInt, s.birthday,
                    s.localDateTime, s.mood.name())).as("row %s", s.id).isEqualTo(1);
        }
        Sample empty = samples.get(2);
        assertThat(this.jdbc.count("SELECT COUNT(*) FROM samples WHERE id = ? AND boxed_long IS NULL AND boxed_int IS NULL"
                + " AND short_value IS NULL AND boxed_bool IS NULL AND note IS NULL AND amount IS NULL AND double_value"
                + " IS NULL AND float_value IS NULL AND moment IS NULL AND birthday IS NULL AND local_date_time IS NULL AND "
                + "offset_date_time IS NULL AND token IS NULL AND mood IS NULL AND prim_long = 0", empty.id)).isEqualTo(1);
        assertThat(this.jdbc.count("SELECT COUNT(*) FROM samples WHERE id = ? AND note IS NULL AND moment IS NULL "
                + "AND amount IS NULL AND token IS NOT NULL AND boxed_int = ?", partly.id, -9)).isEqualTo(1);
        assertThat(this.jdbc.single("SELECT note FROM samples WHERE id = ?", samples.get(0).id))
                .isEqualTo("héllo ' \" ? , {} \\ NULL 0");
    }

    @Test
    void aColumnWhoseArrayCannotBeBoundIsInsertedWithValues() {
        migrate(Blob.class);
        List<Blob> blobs = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Blob b = new Blob();
            b.name = "b" + i;
            b.bytes = i == 1 ? null : new byte[] {1, 2, (byte) i, 0, -1, '\\', 'x'};
            blobs.add(b);
        }
        awaitAll(this.db.repository(Blob.class).saveAll(Flux.fromIterable(blobs)));
        assertThat(statementsStartingWith("INSERT")).singleElement()
                .satisfies(sql -> assertThat(sql).contains("VALUES").doesNotContain("unnest"));
        for (Blob b : blobs) {
            Map<String, Object> row = this.jdbc.query("SELECT name, bytes FROM blobs WHERE id = ?", b.id).get(0);
            assertThat(row.get("name")).isEqualTo(b.name);
            assertThat((byte[]) row.get("bytes")).isEqualTo(b.bytes);
        }
    }

    @Test
    void oneRowIsInsertedWithValues() {
        migrate(Sample.class);
        Sample one = sample(1);
        await(this.db.repository(Sample.class).save(one));
        awaitAll(this.db.repository(Sample.class).saveAll(Flux.just(sample(2))));
        assertThat(statementsStartingWith("INSERT")).hasSize(2)
                .allSatisfy(sql -> assertThat(sql).contains("VALUES").doesNotContain("unnest"));
        assertThat(this.jdbc.count("SELECT COUNT(*) FROM samples WHERE id = ? AND prim_int = 1", one.id)).isEqualTo(1);
    }

    @Test
    void generatedKeysComeBackInRowOrderAcrossStatements() {
        migrate(Crate.class, Bottle.class);
        // 1,200 crates (two saveAll batches) of three bottles: each batch's bottles take several statements.
        List<Crate> crates = new ArrayList<>();
        for (int i = 0; i < 1200; i++) {
            Crate s = new Crate();
            s.name = "crate " + i;
            s.bottles = new ArrayList<>();
            for (int k = 0; k < 3; k++) {
                Bottle b = new Bottle();
                b.title = "bottle " + i + "." + k;
                s.bottles.add(b);
            }
            crates.add(s);
        }
        awaitAll(this.db.repository(Crate.class).saveAll(Flux.fromIterable(crates)));

        Map<Long, String> crateNames = new java.util.HashMap<>();
        for (Map<String, Object> row : this.jdbc.query("SELECT id, name FROM crates")) {
            crateNames.put(((Number) row.get("id")).longValue(), (String) row.get("name"));
        }
        Map<Long, Object[]> bottles = new java.util.HashMap<>();
        for (Map<String, Object> row : this.jdbc.query("SELECT id, crate_id, title FROM bottles")) {
            bottles.put(((Number) row.get("id")).longValue(), new Object[] {((Number) row.get("crate_id")).longValue(),
                    row.get("title")});
        }
        assertThat(crateNames).hasSize(1200);
        assertThat(bottles).hasSize(3600);
        for (Crate s : crates) {
            assertThat(crateNames.get(s.getId())).isEqualTo(s.name);
            for (Bottle b : s.bottles) {
                assertThat(bottles.get(b.getId())).containsExactly(s.getId(), b.title);
            }
        }
        List<String> inserts = statementsStartingWith("INSERT");
        if (arrays()) {
            // Crates: 1,000 + 200; bottles: 1,000 + 1,000 + 1,000 and 600: one text per table whatever the rows.
            assertThat(inserts).hasSize(6).allSatisfy(sql -> assertThat(sql).contains("unnest("));
            assertThat(new HashSet<>(inserts)).hasSize(2);
        }
    }

    @Test
    void valuesAreConvertedForTheLiveColumnTypeOrRefusedBeforeAnySql() {
        this.jdbc.update("CREATE TABLE gauges (id " + new LegacyDdl(database()).serialInt() + ", reading INTEGER NOT NULL, "
                + "small INTEGER, big INTEGER, code VARCHAR(10), price NUMERIC(8,2), label VARCHAR(5))");
        Repository<Gauge> gauges = this.db.repository(Gauge.class);
        List<Gauge> list = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            Gauge g = new Gauge();
            g.reading = i;
            g.small = (short) i;
            g.big = 3_000_000_000L - 1_000_000_000L * i;
            g.code = 40L + i;
            g.price = new BigDecimal("1.25");
            g.label = "ok" + i;
            list.add(g);
        }
        list.get(0).big = 5_000_000_000L;
        assertThatThrownBy(() -> awaitAll(gauges.saveAll(Flux.fromIterable(list))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Gauge.big")
                .hasMessageContaining("gauges.big").hasMessageContaining("out of the range of java.lang.Integer");
        list.get(0).big = 1L;
        list.get(3).label = "toolong";
        assertThatThrownBy(() -> awaitAll(gauges.saveAll(Flux.fromIterable(list))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Gauge.label")
                .hasMessageContaining("7 characters");
        list.get(3).label = "fine";
        list.get(2).price = new BigDecimal("1.234");
        assertThatThrownBy(() -> awaitAll(gauges.saveAll(Flux.fromIterable(list))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Gauge.price")
                .hasMessageContaining("3 decimal places");
        assertThat(this.statements).filteredOn(s -> s.startsWith("INSERT")).as("nothing was sent").isEmpty();
        assertThat(this.jdbc.count("SELECT COUNT(*) FROM gauges")).isZero();

        list.get(2).price = new BigDecimal("1.23");
        awaitAll(gauges.saveAll(Flux.fromIterable(list)));
        assertThat(statementsStartingWith("INSERT")).singleElement()
                .satisfies(sql -> assertThat(sql.contains("unnest(")).isEqualTo(arrays()));
        for (Gauge g : list) {
            assertThat(this.jdbc.query("SELECT reading, small, big, code, price, label FROM gauges WHERE id = ?", g.id)
                    .get(0).values()).extracting(String::valueOf).containsExactly(String.valueOf(g.reading),
                            String.valueOf(g.small), String.valueOf(g.big), String.valueOf(g.code),
                            g.price.toPlainString(), g.label);
        }
    }

    @Test
    void aColumnNullInEveryRowOfABatchIsLeftOutOnlyWhenLeavingItOutAlsoStoresNull() {
        this.jdbc.update("CREATE TABLE labels (id " + new LegacyDdl(database()).serialInt() + ", name VARCHAR(20), "
                + "tag VARCHAR(20) DEFAULT 'fresh', memo VARCHAR(20))");
        Repository<Label> labels = this.db.repository(Label.class);
        List<Label> batch = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Label label = new Label();
            label.name = "n" + i;
            batch.add(label);
        }
        awaitAll(labels.saveAll(Flux.fromIterable(batch)));

        assertThat(statementsStartingWith("INSERT")).hasSize(1).allSatisfy(sql -> assertThat(sql.toLowerCase())
                .as("memo, NULL in every row and without a default, is left out; tag, with one, is not")
                .contains("tag").doesNotContain("memo"));
        assertThat(this.jdbc.query("SELECT name, tag, memo FROM labels ORDER BY id")).extracting(r -> r.values().stream()
                .map(String::valueOf).toList()).as("the NULL written over the default, and NULL where no value was")
                .containsExactly(List.of("n0", "null", "null"), List.of("n1", "null", "null"),
                        List.of("n2", "null", "null"));

        this.statements.clear();
        Label withMemo = new Label();
        withMemo.name = "m";
        withMemo.memo = "kept";
        Label without = new Label();
        without.name = "w";
        awaitAll(labels.saveAll(Flux.just(withMemo, without)));
        assertThat(statementsStartingWith("INSERT")).hasSize(1)
                .allSatisfy(sql -> assertThat(sql.toLowerCase()).as("one row has a memo").contains("memo"));
        assertThat(this.jdbc.query("SELECT memo FROM labels WHERE name IN ('m', 'w') ORDER BY name"))
                .extracting(r -> String.valueOf(r.values().iterator().next())).containsExactly("kept", "null");
    }
}
