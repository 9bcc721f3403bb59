package io.relata.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.r2dbc.pool.ConnectionPool;
import io.r2dbc.pool.ConnectionPoolConfiguration;
import io.r2dbc.spi.ConnectionFactories;
import io.relata.Relata;
import io.relata.testing.Fresh;
import io.relata.testing.TestDatabase;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import reactor.core.publisher.Flux;

/**
 * Many streams preloading at once must not deadlock the pool: each holds its owners' connection while it waits for
 * a preload connection, so with one shared pool, as many streams as connections wait forever. Relata's own pools
 * keep preload queries apart.
 */
class PreloadPoolIntegrationTests {

    public static class Owner {
        Long id;
        String name;
        Item item;
    }

    public static class Item {
        Long id;
        Long ownerId;
    }

    private static final int OWNERS = 400;

    private static final int STREAMS = 4;

    private static void seed(Fresh fresh) {
        Relata db = Relata.connect(fresh.r2dbcUrl());
        try {
            db.migrate(Owner.class, Item.class).block(Duration.ofSeconds(30));
        }
        finally {
            db.close().block(Duration.ofSeconds(30));
        }
        for (int i = 1; i <= OWNERS; i++) {
            fresh.jdbc().update("INSERT INTO owners (id, name) VALUES (?, ?)", (long) i, "o" + i);
            fresh.jdbc().update("INSERT INTO items (id, owner_id) VALUES (?, ?)", (long) i, (long) i);
        }
    }

    private static Flux<List<Owner>> concurrentPreloads(Relata db) {
        return Flux.range(0, STREAMS).flatMap(i -> db.repository(Owner.class).findAll().preload("item").flux()
                .collectList(), STREAMS);
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.class)
    void concurrentStreamsDoNotDeadlockRelatasPools(TestDatabase database) {
        try (Fresh fresh = database.fresh()) {
            seed(fresh);
            Relata db = Relata.builder(fresh.r2dbcUrl()).maxConnections(2).preloadBatchSize(25).build();
            try {
                List<List<Owner>> results = concurrentPreloads(db).collectList().block(Duration.ofSeconds(60));
                assertThat(results).hasSize(STREAMS).allSatisfy(owners -> {
                    assertThat(owners).hasSize(OWNERS);
                    assertThat(owners).allSatisfy(o -> assertThat(o.item.ownerId).isEqualTo(o.id));
                });
            }
            finally {
                db.close().block(Duration.ofSeconds(30));
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = TestDatabase.class, names = "POSTGRES")
    void oneSharedPoolAsSmallAsTheStreamCountDeadlocks(TestDatabase database) {
        // The hazard the separate preload pool removes, shown on a caller-supplied pool (which Relata uses for both):
        // every connection is held by an owners' query waiting for a preload connection.
        try (Fresh fresh = database.fresh()) {
            seed(fresh);
            ConnectionPool pool = new ConnectionPool(ConnectionPoolConfiguration
                    .builder(ConnectionFactories.get(fresh.r2dbcUrl())).initialSize(0).maxSize(STREAMS).build());
            Relata db = Relata.builder(pool).preloadBatchSize(25).build();
            try {
                assertThatThrownBy(() -> concurrentPreloads(db).collectList().timeout(Duration.ofSeconds(3))
                        .block(Duration.ofSeconds(30)))
                        .hasCauseInstanceOf(TimeoutException.class);
            }
            finally {
                pool.disposeLater().block(Duration.ofSeconds(30));
            }
        }
    }
}
