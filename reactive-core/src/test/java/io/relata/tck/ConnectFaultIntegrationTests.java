package io.relata.tck;

import static org.assertj.core.api.Assertions.assertThat;

import io.r2dbc.spi.R2dbcException;
import io.r2dbc.spi.R2dbcTimeoutException;
import io.relata.PoolState;
import io.relata.Relata;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.awaitility.Awaitility;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Servers that cannot be reached (issue 9), for each networked driver: a port nobody listens on, and a server that
 * accepts connections and never answers. Every caller gets an error signal in bounded time and Relata's pools end up
 * empty. No database is needed: the "servers" are sockets of the test's own.
 */
class ConnectFaultIntegrationTests {

    public static class Thing {
        Long id;
        String name;
    }

    private static final int CALLERS = 10;

    private static List<Throwable> callAll(Relata r) {
        return Flux.range(0, CALLERS)
                .flatMap(i -> r.repository(Thing.class).findAll().count().then(Mono.<Throwable>empty())
                        .onErrorResume(Mono::just), CALLERS)
                .collectList().block(Duration.ofSeconds(60));
    }

    private static void awaitEmptyPools(Relata r) {
        Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(PoolState.of(r))
                .satisfies(state -> {
                    assertThat(state.quiet()).as("%s", state).isTrue();
                    assertThat(state.allocated()).isZero();
                }));
    }

    @ParameterizedTest
    @ValueSource(strings = {"postgresql", "mariadb"})
    void aPortNobodyListensOnFailsEveryCallerAtOnce(String driver) throws IOException {
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        Relata r = Relata.connect("r2dbc:" + driver + "://root@127.0.0.1:" + port + "/nothing");
        try {
            long start = System.nanoTime();
            List<Throwable> failures = callAll(r);
            assertThat(failures).hasSize(CALLERS).allSatisfy(e -> assertThat(e).isInstanceOf(R2dbcException.class));
            // Refused connections fail at once: well inside the default connect timeout of 10 s.
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Relata.DEFAULT_CONNECT_TIMEOUT);
            awaitEmptyPools(r);
        }
        finally {
            r.close().block(Duration.ofSeconds(30));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"postgresql", "mariadb"})
    void aServerThatNeverAnswersFailsWithinTheConnectTimeout(String driver) throws IOException {
        List<Socket> accepted = new CopyOnWriteArrayList<>();
        try (ServerSocket blackHole = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread acceptor = new Thread(() -> {
                while (!blackHole.isClosed()) {
                    try {
                        accepted.add(blackHole.accept());
                    }
                    catch (IOException closed) {
                        return;
                    }
                }
            }, "black-hole");
            acceptor.setDaemon(true);
            acceptor.start();
            Relata r = Relata.connect("r2dbc:" + driver + "://root@127.0.0.1:" + blackHole.getLocalPort()
                    + "/nothing?connectTimeout=500ms");
            try {
                // Twice: in a cold JVM the first attempts may time out before their TCP connection is even open.
                for (int round = 0; round < 2; round++) {
                    assertThat(callAll(r)).hasSize(CALLERS).allSatisfy(e -> assertThat(e)
                            .isInstanceOf(R2dbcTimeoutException.class).hasMessageContaining("connectTimeout"));
                }
                assertThat(accepted).as("connections the black hole accepted").isNotEmpty();
                awaitEmptyPools(r);
            }
            finally {
                r.close().block(Duration.ofSeconds(30));
            }
        }
        finally {
            for (Socket s : accepted) {
                s.close();
            }
        }
    }
}
