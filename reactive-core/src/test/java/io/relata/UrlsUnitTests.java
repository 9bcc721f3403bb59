package io.relata;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class UrlsUnitTests {

    @Test
    void postgresUrlsGetBinaryRows() {
        assertThat(Urls.tune("r2dbc:postgresql://u@h:5432/db")).isEqualTo("r2dbc:postgresql://u@h:5432/db?forceBinary=true");
        assertThat(Urls.tune("r2dbc:postgresql://u@h/db?a=b")).isEqualTo("r2dbc:postgresql://u@h/db?a=b&forceBinary=true");
        assertThat(Urls.tune("r2dbc:postgresql://u@h/db?forceBinary=false")).isEqualTo("r2dbc:postgresql://u@h/db?forceBinary=false");
        // The multi-host failover form too (docs/scale-out.md).
        assertThat(Urls.tune("r2dbc:postgresql:failover://u@h1:5432,h2:5432/db?targetServerType=primary"))
                .isEqualTo("r2dbc:postgresql:failover://u@h1:5432,h2:5432/db?targetServerType=primary&forceBinary=true");
    }

    @Test
    void addressesNameTheServerWithoutCredentials() {
        assertThat(Urls.address("r2dbc:postgresql://app:secret@replica1:5433/shop?sslmode=require"))
                .isEqualTo("replica1:5433/shop");
        assertThat(Urls.address("r2dbc:mariadb://root@replica2/shop")).isEqualTo("replica2/shop");
        assertThat(Urls.address("r2dbc:h2:mem:///demo")).isEqualTo("/demo");
    }

    @Test
    void inMemoryH2UrlsLiveUntilClosedAndStream() {
        assertThat(Urls.tune("r2dbc:h2:mem:///demo"))
                .isEqualTo("r2dbc:h2:mem:///demo?options=LAZY_QUERY_EXECUTION=TRUE;DB_CLOSE_DELAY=-1");
        assertThat(Urls.tune("r2dbc:h2:mem:///demo?options=DB_CLOSE_DELAY=10"))
                .isEqualTo("r2dbc:h2:mem:///demo?options=LAZY_QUERY_EXECUTION=TRUE;DB_CLOSE_DELAY=10");
    }

    @Test
    void otherUrlsAreLeftAlone() {
        assertThat(Urls.tune("r2dbc:mariadb://root@h/db")).isEqualTo("r2dbc:mariadb://root@h/db");
        assertThat(Urls.tune("r2dbc:h2:file:///tmp/x")).isEqualTo("r2dbc:h2:file:///tmp/x");
    }
}
