package io.relata;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.r2dbc.spi.ConnectionFactories;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class UrlTimeoutsUnitTests {

    @Test
    void timeoutsAreTakenOutOfTheUrl() {
        UrlTimeouts t = UrlTimeouts.parse("r2dbc:postgresql://u@h:5432/db?statementTimeout=5s&sslMode=disable"
                + "&connectTimeout=PT2S&acquireTimeout=250ms");
        assertThat(t.url()).isEqualTo("r2dbc:postgresql://u@h:5432/db?sslMode=disable");
        assertThat(t.statement()).contains(Duration.ofSeconds(5));
        assertThat(t.connect()).contains(Duration.ofSeconds(2));
        assertThat(t.acquire()).contains(Duration.ofMillis(250));
    }

    @Test
    void everyShortFormAndZero() {
        assertThat(UrlTimeouts.parse("r2dbc:x://h/d?statementTimeout=2m").statement()).contains(Duration.ofMinutes(2));
        assertThat(UrlTimeouts.parse("r2dbc:x://h/d?statementTimeout=1h").statement()).contains(Duration.ofHours(1));
        assertThat(UrlTimeouts.parse("r2dbc:x://h/d?statementTimeout=1500MS").statement())
                .contains(Duration.ofMillis(1500));
        assertThat(UrlTimeouts.parse("r2dbc:x://h/d?acquireTimeout=0").acquire()).contains(Duration.ZERO);
    }

    @Test
    void urlsWithoutTimeoutsAreUnchanged() {
        String h2 = "r2dbc:h2:mem:///db?options=DB_CLOSE_DELAY=-1;LAZY_QUERY_EXECUTION=TRUE";
        UrlTimeouts t = UrlTimeouts.parse(h2);
        assertThat(t.url()).isEqualTo(h2);
        assertThat(t.statement()).isEqualTo(Optional.empty());
        assertThat(UrlTimeouts.parse("r2dbc:mariadb://root@h/db").url()).isEqualTo("r2dbc:mariadb://root@h/db");
        assertThat(UrlTimeouts.parse(h2 + "&statementTimeout=1s").url()).isEqualTo(h2);
        assertThat(UrlTimeouts.parse("r2dbc:x://h/d?statementTimeout=1s").url()).isEqualTo("r2dbc:x://h/d");
    }

    @Test
    void badTimeoutsAreRejectedNamingTheParameter() {
        assertThatThrownBy(() -> UrlTimeouts.parse("r2dbc:x://h/d?statementTimeout=soon"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("statementTimeout")
                .hasMessageContaining("'soon'");
        assertThatThrownBy(() -> UrlTimeouts.parse("r2dbc:x://h/d?connectTimeout=-PT1S"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("connectTimeout");
        assertThatThrownBy(() -> UrlTimeouts.parse("r2dbc:x://h/d?acquireTimeout=PT0.0005S"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("whole number of milliseconds");
        assertThatThrownBy(() -> UrlTimeouts.parse("r2dbc:x://h/d?statementTimeout=1s&statementTimeout=2s"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("twice");
        assertThatThrownBy(() -> UrlTimeouts.parse("r2dbc:x://h/d?statementTimeout=25d"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> UrlTimeouts.parse("r2dbc:x://h/d?statementTimeout=600h"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(String.valueOf(Integer.MAX_VALUE));
    }

    @Test
    void theBuilderChecksItsTimeoutsAtOnce() {
        Relata.Builder b = Relata.builder(ConnectionFactories.get("r2dbc:h2:mem:///builder_checks"));
        assertThatThrownBy(() -> b.statementTimeout(Duration.ofMillis(-5)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("statementTimeout");
        assertThatThrownBy(() -> b.connectTimeout(Duration.ofNanos(10)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("connectTimeout");
        assertThatThrownBy(() -> b.acquireTimeout(Duration.ofDays(30)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("acquireTimeout");
        assertThatThrownBy(() -> b.statementTimeout(null)).isInstanceOf(NullPointerException.class);
        assertThat(b.statementTimeout(Duration.ZERO).connectTimeout(Duration.ofSeconds(1))
                .acquireTimeout(Duration.ZERO)).isSameAs(b);
    }

    @Test
    void aBadUrlTimeoutFailsConnect() {
        assertThatThrownBy(() -> Relata.connect("r2dbc:h2:mem:///url_checks?statementTimeout=fast"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("statementTimeout");
    }
}
