package io.relata.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistryAssert;
import io.r2dbc.pool.ConnectionPool;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.Wrapped;
import io.relata.Relata;
import io.relata.spi.Operation;
import io.relata.spi.OperationObserver;
import io.relata.spi.TransactionBinding;
import io.relata.spring.boot.Owner.Pet;
import io.relata.testing.Fresh;
import io.relata.testing.TestDatabase;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration;
import org.springframework.boot.r2dbc.autoconfigure.R2dbcAutoConfiguration;
import org.springframework.boot.r2dbc.autoconfigure.R2dbcProxyAutoConfiguration;
import org.springframework.boot.r2dbc.autoconfigure.R2dbcTransactionManagerAutoConfiguration;
import org.springframework.boot.r2dbc.autoconfigure.metrics.ConnectionPoolMetricsAutoConfiguration;
import org.springframework.boot.r2dbc.autoconfigure.observation.R2dbcObservationAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.r2dbc.connection.R2dbcTransactionManager;

/**
 * The auto-configuration with {@link ApplicationContextRunner} on a fresh H2 database per test: which beans it
 * defines, how it backs off, which properties reach Relata, and that it works without Micrometer.
 */
@ExtendWith(OutputCaptureExtension.class)
class RelataAutoConfigurationIntegrationTests {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private Fresh fresh;

    private ApplicationContextRunner runner;

    @BeforeEach
    void database() {
        this.fresh = TestDatabase.H2.fresh();
        this.runner = new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(R2dbcAutoConfiguration.class,
                        R2dbcTransactionManagerAutoConfiguration.class, RelataAutoConfiguration.class))
                .withPropertyValues("spring.r2dbc.url=" + this.fresh.r2dbcUrl());
    }

    @AfterEach
    void close() {
        this.fresh.close();
    }

    /** Migrates owners and pets and saves one owner with a pet through the context's Relata. */
    private static void saveOne(Relata db) {
        db.migrate(Owner.class, Pet.class).block(TIMEOUT);
        db.repository(Owner.class).save(new Owner("ann", "rex")).block(TIMEOUT);
    }

    @Test
    void definesRelataOnBootsOwnConnectionFactoryNextToItsTransactionManager() {
        this.runner.run(context -> {
            assertThat(context).hasSingleBean(Relata.class).hasSingleBean(ConnectionFactory.class)
                    .hasSingleBean(R2dbcTransactionManager.class).hasSingleBean(RelataPreloadPool.class);
            assertThat(context.getBean(TransactionBinding.class)).isInstanceOf(SpringTransactionBinding.class);
            ConnectionPool boot = context.getBean(ConnectionPool.class);
            assertThat(context.getBean(RelataPreloadPool.class).pool()).get().isNotSameAs(boot);
            saveOne(context.getBean(Relata.class));
            assertThat(boot.getMetrics().orElseThrow().allocatedSize()).as("Relata borrowed from Boot's pool")
                    .isPositive();
            assertThat(this.fresh.jdbc().count("SELECT COUNT(*) FROM owners o JOIN pets p ON p.owner_id = o.id"))
                    .isEqualTo(1);
        });
    }

    @Test
    void backsOffWhenTheApplicationDefinesItsOwnRelata() {
        this.runner.withUserConfiguration(OwnRelata.class).run(context -> {
            assertThat(context).hasSingleBean(Relata.class).doesNotHaveBean(RelataPreloadPool.class);
            assertThat(context.getBean(Relata.class)).isSameAs(context.getBean(OwnRelata.class).relata);
        });
    }

    @Test
    void backsOffForEachBeanTheApplicationDefines() {
        TransactionBinding binding = new SpringTransactionBinding(this.fresh.connectionFactory());
        OperationObserver observer = new OperationObserver() {
            @Override
            public <T> org.reactivestreams.Publisher<T> observe(Operation operation,
                    org.reactivestreams.Publisher<T> publisher) {
                return publisher;
            }
        };
        this.runner.withBean(TransactionBinding.class, () -> binding)
                .withBean(OperationObserver.class, () -> observer)
                .withBean(ObservationRegistry.class, ObservationRegistry::create)
                .run(context -> {
                    assertThat(context.getBean(TransactionBinding.class)).isSameAs(binding);
                    assertThat(context.getBean(OperationObserver.class)).isSameAs(observer);
                    assertThat(context).hasSingleBean(Relata.class);
                });
    }

    @Test
    void appliesItsProperties(CapturedOutput output) {
        this.runner.withPropertyValues("relata.preload.batch-size=3", "relata.preload.concurrency=1",
                "relata.preload.pool-size=4", "relata.log-statements=true").run(context -> {
                    assertThat(context.getBean(RelataPreloadPool.class).pool().orElseThrow().getMetrics().orElseThrow()
                            .getMaxAllocatedSize()).isEqualTo(4);
                    Relata db = context.getBean(Relata.class);
                    saveOne(db);
                    db.exec("INSERT INTO owners (name) SELECT CONCAT('o', X) FROM SYSTEM_RANGE(1, 9)").block(TIMEOUT);
                    String before = output.getAll();
                    assertThat(db.repository(Owner.class).findAll().preload("pet").flux().collectList().block(TIMEOUT))
                            .hasSize(10);
                    String logged = output.getAll().substring(before.length());
                    assertThat(logged.lines().filter(line -> line.contains("io.relata.sql")
                            && line.contains("FROM \"PETS\""))).as("10 owners in preload batches of 3").hasSize(4);
                });
    }

    @Test
    void refusesABadPropertyNamingIt() {
        this.runner.withPropertyValues("relata.preload.concurrency=0").run(context -> assertThat(context)
                .hasFailed().getFailure().rootCause().hasMessageContaining("relata.preload.concurrency"));
    }

    @Test
    void appliesBuilderCustomizersAfterItsOwnSettings() {
        List<String> seen = new CopyOnWriteArrayList<>();
        this.runner.withPropertyValues("relata.log-statements=true")
                .withBean(RelataBuilderCustomizer.class, () -> builder -> builder.onStatement(seen::add))
                .run(context -> {
                    saveOne(context.getBean(Relata.class));
                    assertThat(seen).anyMatch(sql -> sql.startsWith("INSERT INTO \"OWNERS\""));
                });
    }

    @Test
    void worksWithoutMicrometer() {
        this.runner.withConfiguration(AutoConfigurations.of(ObservationAutoConfiguration.class))
                .withClassLoader(new FilteredClassLoader(ObservationRegistry.class, MeterRegistry.class,
                        MeterBinder.class))
                .run(context -> {
                    assertThat(context).hasNotFailed().hasSingleBean(Relata.class)
                            .doesNotHaveBean(OperationObserver.class);
                    saveOne(context.getBean(Relata.class));
                    assertThat(this.fresh.jdbc().count("SELECT COUNT(*) FROM pets")).isEqualTo(1);
                });
    }

    @Test
    @SuppressWarnings("unchecked") // hasAnObservation hands its consumer a raw ObservationContextAssert
    void observesEachOperationWhenAnObservationRegistryIsDefined() {
        TestObservationRegistry registry = TestObservationRegistry.create();
        this.runner.withBean(ObservationRegistry.class, () -> registry)
                .withPropertyValues("relata.preload.batch-size=1").run(context -> {
                    assertThat(context).hasSingleBean(ObservationOperationObserver.class);
                    Relata db = context.getBean(Relata.class);
                    saveOne(db);
                    assertThat(db.repository(Owner.class).findAll().preload("pet").flux().collectList().block(TIMEOUT))
                            .singleElement().satisfies(owner -> assertThat(owner.pet.name).isEqualTo("rex"));
                    TestObservationRegistryAssert.assertThat(registry)
                            .hasAnObservation(o -> o.hasNameEqualTo("relata.operation")
                                    .hasContextualNameEqualTo("migrate").hasLowCardinalityKeyValue("relata.entity", "none"));
                    TestObservationRegistryAssert.assertThat(registry)
                            .hasAnObservation(o -> o.hasContextualNameEqualTo("preload Owner.pet")
                                    .hasLowCardinalityKeyValue("relata.operation", "preload")
                                    .hasLowCardinalityKeyValue("relata.entity", "Owner")
                                    .hasLowCardinalityKeyValue("relata.association", "pet")
                                    .hasLowCardinalityKeyValue("db.system", "h2")
                                    .hasHighCardinalityKeyValue("relata.batch.size", "1")
                                    .hasParentObservationContextMatching(parent -> isRelata(parent, Operation.Kind.FIND)))
                            .hasAnObservation(o -> o.hasContextualNameEqualTo("save Owner"));
                });
    }

    @Test
    @SuppressWarnings("unchecked") // hasAnObservation hands its consumer a raw ObservationContextAssert
    void theDriversStatementObservationsNestBelowRelatasPreloadBatch() {
        TestObservationRegistry registry = TestObservationRegistry.create();
        this.runner.withConfiguration(AutoConfigurations.of(R2dbcProxyAutoConfiguration.class,
                R2dbcObservationAutoConfiguration.class))
                .withBean(ObservationRegistry.class, () -> registry).run(context -> {
                    assertThat(context.getBean(RelataPreloadPool.class).pool().orElseThrow().unwrap())
                            .as("the preload pool is over Boot's decorated factory").isInstanceOf(Wrapped.class);
                    Relata db = context.getBean(Relata.class);
                    saveOne(db);
                    assertThat(db.repository(Owner.class).findAll().preload("pet").flux().collectList()
                            .block(TIMEOUT)).hasSize(1);
                    TestObservationRegistryAssert.assertThat(registry).hasAnObservation(o -> o
                            .hasNameEqualTo("r2dbc.query")
                            .hasHighCardinalityKeyValue("r2dbc.query[0]", "SELECT \"PETS\".\"ID\", \"PETS\".\"NAME\", "
                                    + "\"PETS\".\"OWNER_ID\" FROM \"PETS\" WHERE (\"PETS\".\"OWNER_ID\" = $1)")
                            .hasParentObservationContextMatching(parent -> isRelata(parent, Operation.Kind.PRELOAD)));
                });
    }

    @Test
    void bindsThePreloadPoolsGaugesToTheRegistry() {
        this.runner.withConfiguration(AutoConfigurations.of(MetricsAutoConfiguration.class,
                SimpleMetricsExportAutoConfiguration.class, CompositeMeterRegistryAutoConfiguration.class,
                ConnectionPoolMetricsAutoConfiguration.class)).run(context -> {
                    MeterRegistry registry = context.getBean(MeterRegistry.class);
                    assertThat(registry).isInstanceOf(SimpleMeterRegistry.class);
                    saveOne(context.getBean(Relata.class));
                    assertThat(registry.find("r2dbc.pool.max.allocated").tag("name", RelataPreloadPool.NAME).gauge())
                            .isNotNull().satisfies(g -> assertThat(g.value()).isEqualTo(5.0));
                    assertThat(registry.find("r2dbc.pool.acquired").tag("name", "connectionFactory").gauge())
                            .as("Boot's own pool, bound by Boot").isNotNull();
                });
    }

    @Test
    void withoutABootPoolRelataPoolsTheFactoryItself() {
        this.runner.withPropertyValues("spring.r2dbc.pool.enabled=false").run(context -> {
            assertThat(context.getBean(ConnectionFactory.class)).isNotInstanceOf(ConnectionPool.class);
            assertThat(context.getBean(RelataPreloadPool.class).pool()).isEmpty();
            saveOne(context.getBean(Relata.class));
            assertThat(this.fresh.jdbc().count("SELECT COUNT(*) FROM owners")).isEqualTo(1);
        });
    }

    private static boolean isRelata(Object context, Operation.Kind kind) {
        return context instanceof RelataObservationContext relata && relata.getOperation().kind() == kind;
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnRelata {

        final Relata relata = Relata.connect("r2dbc:h2:mem:///relata-own-" + System.nanoTime());

        @Bean(destroyMethod = "close")
        Relata ownRelata() {
            return this.relata;
        }
    }
}
