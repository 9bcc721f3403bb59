package io.relata.testing;

import reactor.blockhound.BlockHound;
import reactor.blockhound.integration.BlockHoundIntegration;

/**
 * Tells BlockHound about r2dbc-mariadb's own blocking, so that integration tests on MariaDB flag only blocking
 * in the code under test. Registered in {@code META-INF/services}; blockhound-junit-platform loads it.
 *
 * <p>r2dbc-mariadb (1.4.x) guards its command queue with a {@code ReentrantLock} that the calling thread and the
 * Netty event loop both take: when they meet, the event loop parks for a moment and BlockHound reports
 * {@code Unsafe#park}. Its first handshake also reads {@code mariadb.properties} from its jar. The lambda names are
 * those of r2dbc-mariadb 1.4.0 (JHipster allows the same methods; mariadb-connector-r2dbc issue 93); re-check
 * them with {@code javap -p} after upgrading the driver.
 */
public final class MariaDbBlockHoundIntegration implements BlockHoundIntegration {

    private static final String SIMPLE_CLIENT = "org.mariadb.r2dbc.client.SimpleClient";

    @Override
    public void applyTo(BlockHound.Builder builder) {
        builder.allowBlockingCallsInside("org.mariadb.r2dbc.message.client.HandshakeResponse", "writeConnectAttributes")
                .allowBlockingCallsInside(SIMPLE_CLIENT, "executeWhenTransaction")
                .allowBlockingCallsInside(SIMPLE_CLIENT, "executeWhenNotInTransaction")
                .allowBlockingCallsInside(SIMPLE_CLIENT, "setAutoCommit")
                .allowBlockingCallsInside(SIMPLE_CLIENT, "sendCommandWithoutResult")
                .allowBlockingCallsInside(SIMPLE_CLIENT, "lambda$sendCommand$0")
                .allowBlockingCallsInside(SIMPLE_CLIENT, "lambda$sendCommand$2")
                .allowBlockingCallsInside(SIMPLE_CLIENT, "lambda$receive$0");
    }
}
