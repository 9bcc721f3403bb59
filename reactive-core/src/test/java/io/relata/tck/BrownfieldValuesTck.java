package io.relata.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.relata.MappingException;
import io.relata.Repository;
import io.relata.internal.exec.EntityReader;
import io.relata.internal.meta.Metadata;
import io.relata.tck.BrownfieldModels.Gauge;
import io.relata.tck.BrownfieldModels.Meter;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Values are converted exactly or rejected, never truncated (issue 9: {@code update(e, "age", 3.9)} stored 3,
 * {@code 70000} into a {@code Short} 4464, {@code 1e30} into a {@code Long} 5076944270305263616, {@code findById(1.9)}
 * found row 1 and {@code deleteById(2.5)} deleted row 2), and a value that does not fit its legacy column is refused
 * before any SQL, naming the entity, field, column and types. Reading a legacy value its field cannot hold fails the
 * same way. The table ({@code gauges}) has columns narrower or wider than its fields: {@code int4} under a
 * {@code Short} and under a {@code Long}, {@code varchar} under a {@code Long}, {@code numeric(8,2)},
 * {@code varchar(5)}.
 */
public abstract class BrownfieldValuesTck extends DatabaseTestSupport {

    @BeforeEach
    void createTable() {
        this.jdbc.update("CREATE TABLE gauges (id " + new LegacyDdl(database()).serialInt() + ", reading INTEGER NOT NULL, "
                + "small INTEGER, big INTEGER, code VARCHAR(10), price NUMERIC(8,2), label VARCHAR(5))");
        this.jdbc.update("INSERT INTO gauges (reading, small, big, code, price, label) VALUES (1, 2, 3, '4', 5.5, 'a')");
        this.jdbc.update("INSERT INTO gauges (reading, small, big, code, price, label) VALUES (2, 2, 3, '4', 5.5, 'b')");
    }

    private Repository<Gauge> gauges() {
        return this.db.repository(Gauge.class);
    }

    private Gauge first() {
        Gauge g = await(gauges().findById(1L));
        this.statements.clear();
        return g;
    }

    @Test
    void updateValuesAreExactOrRejectedBeforeSql() {
        Gauge g = first();
        assertThatThrownBy(() -> gauges().update(g, "reading", 3.9)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Gauge").hasMessageContaining("reading").hasMessageContaining("gauges.reading")
                .hasMessageContaining("java.lang.Double").hasMessageContaining("int").hasMessageContaining("fraction");
        assertThatThrownBy(() -> gauges().update(g, "small", 70_000)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Gauge.small").hasMessageContaining("out of the range of java.lang.Short");
        assertThatThrownBy(() -> gauges().update(g, "big", 1e30)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Gauge.big").hasMessageContaining("out of the range of java.lang.Long");
        assertThatThrownBy(() -> gauges().update(g, "price", "cheap")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'cheap' is not a number");
        assertThat(this.statements).as("nothing reached the database").isEmpty();

        assertThat(await(gauges().update(g, "reading", 7.0))).as("7.0 is exactly 7").isEqualTo(1);
        assertThat(await(gauges().update(g, "small", "12"))).isEqualTo(1);
        assertThat(this.jdbc.query("SELECT reading, small FROM gauges WHERE id = 1").get(0).values())
                .extracting(v -> ((Number) v).intValue()).containsExactly(7, 12);
    }

    @Test
    void idsAreExactOrRejectedBeforeSql() {
        assertThatThrownBy(() -> gauges().findById(1.9)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("findById(1.9)").hasMessageContaining("Gauge").hasMessageContaining("gauges.id")
                .hasMessageContaining("java.lang.Double").hasMessageContaining("java.lang.Long");
        assertThatThrownBy(() -> gauges().deleteById(2.5)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("deleteById(2.5)").hasMessageContaining("fraction");
        assertThatThrownBy(() -> gauges().findById("one")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'one' is not a number");
        assertThat(this.statements).isEmpty();
        assertThat(this.jdbc.count("SELECT COUNT(*) FROM gauges")).isEqualTo(2);

        assertThat(await(gauges().findById(2.0)).reading).isEqualTo(2);
        assertThat(await(gauges().findById("1")).reading).isEqualTo(1);
        assertThat(await(gauges().deleteById(2))).isEqualTo(1);
    }

    @Test
    void aValueItsLegacyColumnCannotHoldIsRefusedBeforeTheStatementRuns() {
        Gauge g = first();
        g.big = 5_000_000_000L;
        assertThatThrownBy(() -> await(gauges().save(g))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Gauge.big").hasMessageContaining("gauges.big")
                .hasMessageContaining("java.lang.Long").hasMessageContaining("out of the range of java.lang.Integer");
        g.big = 3L;
        g.price = new BigDecimal("1.234");
        assertThatThrownBy(() -> await(gauges().save(g))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Gauge.price").hasMessageContaining("3 decimal places");
        g.price = new BigDecimal("1.23");
        g.label = "toolong";
        assertThatThrownBy(() -> await(gauges().save(g))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Gauge.label").hasMessageContaining("7 characters");
        assertThat(this.statements).filteredOn(s -> s.startsWith("UPDATE") || s.startsWith("INSERT")).isEmpty();
        assertThat(this.jdbc.query("SELECT big, price, label FROM gauges WHERE id = 1").get(0).values())
                .extracting(String::valueOf).containsExactly("3", "5.50", "a");
    }

    @Test
    void aLegacyValueItsFieldCannotHoldFailsNamingEverything() {
        this.jdbc.update("UPDATE gauges SET small = 70000 WHERE id = 1");
        this.jdbc.update("UPDATE gauges SET code = 'n/a' WHERE id = 2");

        assertThatThrownBy(() -> await(gauges().findById(1L))).isInstanceOf(MappingException.class)
                .hasMessageContaining("gauges.small").hasMessageContaining("Gauge.small")
                .hasMessageContaining("java.lang.Integer").hasMessageContaining("java.lang.Short")
                .hasMessageContaining("70000 is out of the range of java.lang.Short");
        assertThatThrownBy(() -> await(gauges().findById(2L))).isInstanceOf(MappingException.class)
                .hasMessageContaining("gauges.code").hasMessageContaining("Gauge.code")
                .hasMessageContaining("java.lang.String").hasMessageContaining("java.lang.Long")
                .hasMessageContaining("'n/a' is not a number");

        this.jdbc.update("UPDATE gauges SET small = -32768, code = ' 42 ' WHERE id IN (1, 2)");
        assertThat(awaitAll(gauges().findAll())).extracting(g -> g.small + "/" + g.code)
                .containsExactly("-32768/42", "-32768/42");
    }

    @Test
    void rowsAreReadByAGeneratedReaderThatKeepsTheReflectiveReadersRules() {
        this.jdbc.update("CREATE TABLE meters (id " + new LegacyDdl(database()).serialInt() + ", level INTEGER, "
                + "ratio DOUBLE PRECISION, on_off BOOLEAN, label VARCHAR(10))");
        this.jdbc.update("INSERT INTO meters (level, ratio, on_off, label) VALUES (7, 2.5, TRUE, 'x')");
        this.jdbc.update("INSERT INTO meters (level, ratio, on_off, label) VALUES (NULL, NULL, NULL, NULL)");

        List<Meter> meters = new ArrayList<>(awaitAll(this.db.repository(Meter.class).findAll()));
        meters.sort(Comparator.comparing(m -> m.id));
        assertThat(meters).as("NULL in a primitive field reads as zero").extracting(m -> m.level + "/" + m.ratio + "/" + m.onOff + "/" + m.label)
                .containsExactly("7/2.5/true/x", "0/0.0/false/null");
        assertThat(awaitAll(gauges().findAll())).extracting(g -> g.reading + "/" + g.small + "/" + g.big + "/" + g.code
                + "/" + g.price + "/" + g.label).containsExactlyInAnyOrder("1/2/3/4/5.50/a", "2/2/3/4/5.50/b");
        for (Class<?> type : new Class<?>[] {Meter.class, Gauge.class}) {
            assertThat(EntityReader.generatedReaders(Metadata.resolved(type))).as("the readers generated for %s", type)
                    .isNotEmpty().allSatisfy(r -> assertThat(r).isNotInstanceOf(Throwable.class));
        }
    }
}
