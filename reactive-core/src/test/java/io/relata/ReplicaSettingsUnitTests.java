package io.relata;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.r2dbc.spi.ConnectionFactory;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The replica settings of {@link Relata.Builder} check their arguments at once, before anything connects. */
class ReplicaSettingsUnitTests {

    private static Relata.Builder builder() {
        return Relata.builder("r2dbc:h2:mem:///replica_settings");
    }

    @Test
    void nullReplicasAreRejected() {
        assertThatThrownBy(() -> builder().replicas((String[]) null)).isInstanceOf(NullPointerException.class)
                .hasMessage("urls must not be null");
        assertThatThrownBy(() -> builder().replicas("r2dbc:h2:mem:///a", null))
                .isInstanceOf(NullPointerException.class).hasMessage("replica URL 2 must not be null");
        assertThatThrownBy(() -> builder().replicas((ConnectionFactory) null))
                .isInstanceOf(NullPointerException.class).hasMessage("replica 1 must not be null");
    }

    @Test
    void anUnknownReplicaUrlIsRejected() {
        assertThatThrownBy(() -> builder().replicas("r2dbc:h2:mem:///a", "r2dbc:nosuchdriver://u:secret@h/db"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("No R2DBC driver accepts the URL of replica 2 (h/db)")
                .hasMessageNotContaining("secret");
    }

    @Test
    void durationsMustBePositive() {
        assertThatThrownBy(() -> builder().replicaConnectTimeout(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("replicaConnectTimeout");
        assertThatThrownBy(() -> builder().replicaRetryAfter(Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("replicaRetryAfter");
        assertThatThrownBy(() -> builder().replicaRetryAfter(null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void theContextForThePrimaryHoldsTheDocumentedKey() {
        assertThat(Relata.READ_FROM_PRIMARY_KEY).isEqualTo("io.relata.readFromPrimary");
        assertThat(Relata.readFromPrimary().<Boolean>get(Relata.READ_FROM_PRIMARY_KEY)).isTrue();
        assertThat(Relata.readFromPrimary().size()).isEqualTo(1);
    }
}
