package io.relata.tck;

import static org.assertj.core.api.Assertions.assertThat;

import io.relata.Relata;
import io.relata.dialect.SqlType;
import io.relata.tck.BrownfieldModels.Address;
import io.relata.tck.BrownfieldModels.Device;
import io.relata.tck.BrownfieldModels.DeviceLog;
import io.relata.tck.BrownfieldModels.LegacyRecord;
import io.relata.tck.BrownfieldModels.Level;
import io.relata.tck.BrownfieldModels.Mood;
import io.relata.tck.BrownfieldModels.Person;
import io.relata.tck.BrownfieldModels.Post;
import java.math.BigDecimal;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Relata on tables other tools made (issue 8): every legacy column type read and written exactly, timestamps without
 * a zone in the configured zone whatever the JVM's, UUID keys, and names written in mixed case. The tables are
 * created by plain SQL ({@link LegacyDdl}) and every value is checked through plain SQL as well. Keys of different
 * types are in {@link BrownfieldKeysTck}; reads and writes that must fail in {@link BrownfieldValuesTck}.
 */
public abstract class BrownfieldTck extends DatabaseTestSupport {

    static final Instant INSTANT = Instant.parse("2024-05-06T07:08:09.123456Z");

    static final UUID ID = UUID.fromString("123e4567-e89b-12d3-a456-426614174000");

    LegacyDdl ddl() {
        return new LegacyDdl(database());
    }

    private void createLegacyRecords() {
        LegacyDdl t = ddl();
        this.jdbc.update("CREATE TABLE legacy_records (id " + t.serialInt() + ", name VARCHAR(40) NOT NULL, "
                + "code CHAR(6), notes " + t.text() + ", balance NUMERIC(12,2), rating " + t.real() + ", score "
                + t.dbl() + ", quantity SMALLINT, big_count BIGINT, active " + t.bool() + ", flagged SMALLINT, "
                + "avatar " + t.blob() + ", external_id " + t.uuid() + ", mood VARCHAR(20), level INTEGER, "
                + "born_on DATE, created_at " + t.timestamp() + " NOT NULL, local_at " + t.timestamp() + ", "
                + "seen_at " + t.timestamptz() + ", legacy_extra INTEGER DEFAULT 7 NOT NULL)");
    }

    private static LegacyRecord sample() {
        LegacyRecord r = new LegacyRecord();
        r.name = "ann";
        r.code = "abc";
        r.notes = "a long text ".repeat(50);
        r.balance = new BigDecimal("1234.5");
        r.rating = 0.1f;
        r.score = 2.25d;
        r.quantity = 12;
        r.bigCount = 70_000;
        r.active = true;
        r.flagged = true;
        r.avatar = new byte[] {1, 2, 3, (byte) 0xff};
        r.externalId = ID;
        r.mood = Mood.ANGRY;
        r.level = Level.HIGH;
        r.bornOn = LocalDate.of(1990, 2, 28);
        r.createdAt = INSTANT;
        r.localAt = LocalDateTime.of(2024, 1, 2, 3, 4, 5);
        r.seenAt = INSTANT.atOffset(ZoneOffset.UTC);
        return r;
    }

    @Test
    void everyLegacyColumnTypeIsWrittenAndReadExactly() {
        createLegacyRecords();
        LegacyRecord saved = await(this.db.repository(LegacyRecord.class).save(sample()));

        Map<String, Object> row = this.jdbc.query("SELECT * FROM legacy_records WHERE id = ?", saved.id).get(0);
        assertThat(((BigDecimal) row.get("balance"))).isEqualByComparingTo("1234.50");
        assertThat(((Number) row.get("rating")).floatValue()).isEqualTo(0.1f);
        assertThat(((Number) row.get("score")).doubleValue()).isEqualTo(2.25d);
        assertThat(((Number) row.get("quantity")).intValue()).isEqualTo(12);
        assertThat(((Number) row.get("big_count")).longValue()).isEqualTo(70_000L);
        assertThat(((Number) row.get("flagged")).intValue()).as("a Boolean in a smallint column").isEqualTo(1);
        assertThat(row.get("mood")).as("an enum in a text column: its name").isEqualTo("ANGRY");
        assertThat(((Number) row.get("level")).intValue()).as("an enum in an integer column: its ordinal").isEqualTo(1);
        assertThat(String.valueOf(row.get("code")).trim()).isEqualTo("abc");
        assertThat(String.valueOf(row.get("external_id"))).isEqualTo(ID.toString());
        assertThat(((Number) row.get("legacy_extra")).intValue()).as("an unmapped column keeps its default").isEqualTo(7);
        assertThat(this.jdbc.single("SELECT " + ddl().asText("created_at") + " FROM legacy_records"))
                .as("an Instant in a timestamp column is its UTC wall time, not the JVM zone's")
                .isEqualTo("2024-05-06 07:08:09.123456");
        assertThat(this.jdbc.single("SELECT " + ddl().asText("local_at") + " FROM legacy_records"))
                .asString().startsWith("2024-01-02 03:04:05");
        assertThat(storedInstant("seen_at")).isEqualTo(INSTANT);

        LegacyRecord read = await(this.db.repository(LegacyRecord.class).findById(saved.id));
        LegacyRecord expected = sample();
        expected.id = saved.id;
        assertThat(read).usingRecursiveComparison().ignoringFields("code", "balance").isEqualTo(expected);
        assertThat(read.balance).as("numeric(12,2) keeps its scale").isEqualTo(new BigDecimal("1234.50"));
        assertThat(read.code.trim()).as("char(6) is blank-padded by the database").isEqualTo("abc");
    }

    @Test
    void rowsWrittenByPlainSqlReadIntoEveryFieldType() {
        createLegacyRecords();
        this.jdbc.update("INSERT INTO legacy_records (name, code, notes, balance, rating, score, quantity, big_count, "
                + "active, flagged, external_id, mood, level, born_on, created_at, local_at) VALUES ('sql', 'xy', "
                + "'text', 3.90, 0.5, 0.25, 7, 8, FALSE, 0, '" + ID + "', 'CALM', 0, DATE '2020-02-29', TIMESTAMP '2024-01-02 03:04:05.5', "
                + "TIMESTAMP '2024-01-02 03:04:05')");

        LegacyRecord r = await(this.db.repository(LegacyRecord.class).where("name = ?", "sql").first());
        assertThat(r.id).isPositive();
        assertThat(r.balance).isEqualTo(new BigDecimal("3.90"));
        assertThat(r.rating).isEqualTo(0.5f);
        assertThat(r.score).isEqualTo(0.25d);
        assertThat(r.quantity).isEqualTo(7);
        assertThat(r.bigCount).isEqualTo(8);
        assertThat(r.active).isFalse();
        assertThat(r.flagged).isFalse();
        assertThat(r.externalId).isEqualTo(ID);
        assertThat(r.mood).isEqualTo(Mood.CALM);
        assertThat(r.level).isEqualTo(Level.LOW);
        assertThat(r.bornOn).isEqualTo(LocalDate.of(2020, 2, 29));
        assertThat(r.createdAt).isEqualTo(Instant.parse("2024-01-02T03:04:05.5Z"));
        assertThat(r.localAt).isEqualTo(LocalDateTime.of(2024, 1, 2, 3, 4, 5));
        assertThat(r.avatar).isNull();
        assertThat(r.seenAt).isNull();
    }

    @Test
    void timestampsWithoutAZoneAreWallTimesInTheConfiguredZone() {
        createLegacyRecords();
        ZoneId newYork = ZoneId.of("America/New_York");
        Relata ny = Relata.builder(this.fresh.r2dbcUrl()).zone(newYork).build();
        try {
            LegacyRecord saved = await(ny.repository(LegacyRecord.class).save(sample()));
            // 07:08 UTC is 03:08 in New York (daylight saving time), on every database and whatever the JVM zone.
            assertThat(this.jdbc.single("SELECT " + ddl().asText("created_at") + " FROM legacy_records"))
                    .isEqualTo("2024-05-06 03:08:09.123456");
            LegacyRecord read = await(ny.repository(LegacyRecord.class).findById(saved.id));
            assertThat(read.createdAt).isEqualTo(INSTANT);
            assertThat(read.localAt).isEqualTo(LocalDateTime.of(2024, 1, 2, 3, 4, 5));
            // The same row through a UTC instance: the wall time is read as UTC.
            assertThat(await(this.db.repository(LegacyRecord.class).findById(saved.id)).createdAt)
                    .isEqualTo(Instant.parse("2024-05-06T03:08:09.123456Z"));
            if (this.db.dialect().sqlType(OffsetDateTime.class).kind() == SqlType.Kind.TIMESTAMP_TZ) {
                // A LocalDateTime headed to a timestamptz column is a wall time in the configured zone.
                await(ny.repository(LegacyRecord.class).update(read, "seenAt", LocalDateTime.of(2024, 1, 2, 3, 4, 5)));
                assertThat(storedInstant("seen_at")).isEqualTo(Instant.parse("2024-01-02T08:04:05Z"));
            }
        }
        finally {
            ny.close().block(TIMEOUT);
        }
    }

    @Test
    void aModelOnARailsTableKeepsItsTimestampsInUtc() {
        LegacyDdl t = ddl();
        this.jdbc.update("CREATE TABLE posts (id " + t.serialBig() + ", title VARCHAR(100), created_at " + t.timestamp()
                + " NOT NULL, updated_at " + t.timestamp() + " NOT NULL, deleted_at " + t.timestamp() + ")");
        this.jdbc.update("INSERT INTO posts (title, created_at, updated_at) VALUES ('rails', "
                + "TIMESTAMP '2023-12-31 23:59:59.999999', TIMESTAMP '2024-01-01 00:00:00')");
        Post rails = await(this.db.repository(Post.class).findById(1L));
        assertThat(rails.getCreatedAt()).isEqualTo(Instant.parse("2023-12-31T23:59:59.999999Z"));

        Post mine = new Post();
        mine.title = "relata";
        await(this.db.repository(Post.class).save(mine));
        await(this.db.repository(Post.class).delete(mine));
        String stored = String.valueOf(this.jdbc.single("SELECT " + t.asText("created_at") + " FROM posts WHERE id = ?",
                mine.getId()));
        assertThat(LocalDateTime.parse(stored.replace(' ', 'T')).toInstant(ZoneOffset.UTC))
                .isEqualTo(mine.getCreatedAt());
        assertThat(this.jdbc.count("SELECT COUNT(*) FROM posts WHERE deleted_at IS NOT NULL")).isEqualTo(1);
        assertThat(await(this.db.repository(Post.class).findAll().count())).isEqualTo(1);
    }

    @Test
    void uuidKeysAreGeneratedBoundAndMatched() {
        LegacyDdl t = ddl();
        this.jdbc.update("CREATE TABLE devices (id " + t.uuid() + " PRIMARY KEY, label VARCHAR(40))");
        this.jdbc.update("CREATE TABLE device_logs (id " + t.serialBig() + ", device_id " + t.uuid() + ", message "
                + "VARCHAR(80))");
        Device d = new Device();
        d.label = "sensor";
        d.log = new DeviceLog();
        d.log.message = "boot";
        await(this.db.repository(Device.class).save(d));

        assertThat(d.id).isNotNull();
        assertThat(String.valueOf(this.jdbc.single("SELECT device_id FROM device_logs"))).isEqualTo(d.id.toString());
        assertThat(await(this.db.repository(Device.class).findById(d.id.toString())).label).isEqualTo("sensor");
        assertThat(awaitAll(this.db.repository(Device.class).findAll().preload("log")))
                .singleElement().satisfies(x -> assertThat(x.log.message).isEqualTo("boot"));
        assertThat(awaitAll(this.db.repository(Device.class).findAll().joins("log")))
                .singleElement().satisfies(x -> assertThat(x.log.deviceId).isEqualTo(d.id));
        assertThat(await(this.db.repository(Device.class).delete(d, "log"))).isEqualTo(1);
        assertThat(this.jdbc.count("SELECT COUNT(*) FROM device_logs")).isZero();
    }

    @Test
    void mixedCaseNamesAreUsedExactlyAsWritten() {
        LegacyDdl t = ddl();
        this.jdbc.update("CREATE TABLE " + t.q("LegacyPeople") + " (" + t.q("personId") + " " + t.serialBig() + ", "
                + t.q("fullName") + " VARCHAR(60), nickname VARCHAR(20), extra_col INTEGER)");
        this.jdbc.update("CREATE TABLE " + t.q("LegacyAddresses") + " (" + t.q("addressId") + " " + t.serialBig() + ", "
                + t.q("personRef") + " BIGINT, " + t.q("City") + " VARCHAR(40))");
        Person p = new Person();
        p.name = "Ada Lovelace";
        p.nickname = "ada";
        p.address = new Address();
        p.address.city = "London";
        await(this.db.repository(Person.class).save(p));

        assertThat(p.id).as("the generated key of a quoted mixed-case column").isPositive();
        assertThat(this.jdbc.single("SELECT " + t.q("fullName") + " FROM " + t.q("LegacyPeople"))).isEqualTo("Ada Lovelace");
        assertThat(this.jdbc.count("SELECT " + t.q("personRef") + " FROM " + t.q("LegacyAddresses"))).isEqualTo(p.id);
        assertThat(await(this.db.repository(Person.class).update(p, "name", "Ada King"))).isEqualTo(1);
        Person read = await(this.db.repository(Person.class).findAll().preload("address").first());
        assertThat(read.name).isEqualTo("Ada King");
        assertThat(read.address.city).isEqualTo("London");
        assertThat(awaitAll(this.db.repository(Person.class).findAll().joins("address")))
                .singleElement().satisfies(x -> assertThat(x.address.personRef).isEqualTo(p.id));
        assertThat(await(this.db.repository(Person.class).deleteById(p.id))).isEqualTo(1);
        assertThat(this.jdbc.count("SELECT COUNT(*) FROM " + t.q("LegacyPeople"))).isZero();
    }

    /**
     * The instant a {@link LegacyDdl#timestamptz()} column of legacy_records holds, through plain JDBC: a
     * {@code timestamp with time zone} as the instant it is (PostgreSQL's driver gives a Timestamp, H2's an
     * OffsetDateTime), MariaDB's {@code DATETIME} as its wall time read as UTC.
     */
    private Instant storedInstant(String column) {
        if (this.db.dialect().sqlType(OffsetDateTime.class).kind() != SqlType.Kind.TIMESTAMP_TZ) {
            String text = String.valueOf(this.jdbc.single("SELECT " + ddl().asText(column) + " FROM legacy_records"));
            return LocalDateTime.parse(text.replace(' ', 'T')).toInstant(ZoneOffset.UTC);
        }
        Object value = this.jdbc.single("SELECT " + column + " FROM legacy_records");
        if (value instanceof Timestamp ts) {
            return ts.toInstant();
        }
        if (value instanceof OffsetDateTime odt) {
            return odt.toInstant();
        }
        throw new AssertionError("not a timestamp: " + value + (value == null ? "" : " (" + value.getClass() + ")"));
    }
}
