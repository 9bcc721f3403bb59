package io.relata.spring.boot;

import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.observation.ObservationRegistry;
import io.r2dbc.spi.ConnectionFactory;
import io.relata.Relata;
import io.relata.spi.OperationObserver;
import io.relata.spi.TransactionBinding;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.r2dbc.autoconfigure.R2dbcAutoConfiguration;
import org.springframework.boot.r2dbc.autoconfigure.R2dbcTransactionManagerAutoConfiguration;
import org.springframework.boot.r2dbc.metrics.ConnectionPoolMetrics;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.r2dbc.connection.ConnectionFactoryUtils;

/**
 * Auto-configures a {@link Relata} bean on Boot's own R2DBC {@link ConnectionFactory} bean (the same instance, so
 * Boot's pool, health indicator, metrics and r2dbc-proxy observation all see Relata's statements), joined to Spring's
 * reactive transactions through a {@link SpringTransactionBinding}, with its preload queries on a
 * {@link RelataPreloadPool} of their own, and, when Micrometer is present, an {@link ObservationOperationObserver} and
 * the preload pool's gauges. Every bean backs off when the application defines one of its type; defining a
 * {@code Relata} bean turns the whole configuration off.
 */
@AutoConfiguration(after = { R2dbcAutoConfiguration.class, R2dbcTransactionManagerAutoConfiguration.class },
        afterName = { "org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration",
                "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration" })
@ConditionalOnClass({ Relata.class, ConnectionFactory.class, ConnectionFactoryUtils.class })
@ConditionalOnSingleCandidate(ConnectionFactory.class)
@EnableConfigurationProperties(RelataProperties.class)
public final class RelataAutoConfiguration {

    private static final Log SQL_LOG = LogFactory.getLog("io.relata.sql");

    @Bean
    @ConditionalOnMissingBean
    TransactionBinding relataTransactionBinding(ConnectionFactory connectionFactory) {
        return new SpringTransactionBinding(connectionFactory);
    }

    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean({ RelataPreloadPool.class, Relata.class })
    RelataPreloadPool relataPreloadPool(ConnectionFactory connectionFactory, RelataProperties properties) {
        return RelataPreloadPool.beside(connectionFactory, properties.getPreload().getPoolSize());
    }

    /**
     * The {@code Relata} bean. Spring awaits the {@code Mono} its {@code close()} returns when the context closes; it
     * closes only pools Relata made itself (none while Boot's factory is pooled).
     */
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    Relata relata(ConnectionFactory connectionFactory, RelataProperties properties,
            ObjectProvider<RelataPreloadPool> preloadPool, ObjectProvider<TransactionBinding> transactionBinding,
            ObjectProvider<OperationObserver> observer, ObjectProvider<RelataBuilderCustomizer> customizers) {
        Relata.Builder builder = Relata.builder(connectionFactory)
                .preloadConcurrency(properties.getPreload().getConcurrency());
        RelataProperties.Preload preload = properties.getPreload();
        if (preload.getBatchSize() != null) {
            builder.preloadBatchSize(preload.getBatchSize());
        }
        if (preload.getMaxBatchSize() != null) {
            builder.preloadMaxBatchSize(preload.getMaxBatchSize());
        }
        preloadPool.ifAvailable(pool -> pool.pool().ifPresent(builder::preloadConnectionFactory));
        transactionBinding.ifAvailable(builder::transactionBinding);
        observer.ifAvailable(builder::observer);
        if (properties.isLogStatements()) {
            builder.onStatement(SQL_LOG::info);
        }
        customizers.orderedStream().forEach(customizer -> customizer.customize(builder));
        return builder.build();
    }

    /** Observations, when Micrometer's Observation API is on the class path and a registry is defined. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(ObservationRegistry.class)
    static class ObservationConfiguration {

        @Bean
        @ConditionalOnMissingBean(OperationObserver.class)
        @ConditionalOnBean(ObservationRegistry.class)
        ObservationOperationObserver relataOperationObserver(ObservationRegistry registry,
                ObjectProvider<RelataObservationConvention> convention) {
            return new ObservationOperationObserver(registry, convention.getIfAvailable());
        }
    }

    /** The preload pool's r2dbc-pool gauges, under Boot's names, when Micrometer's metrics are on the class path. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass({ MeterBinder.class, ConnectionPoolMetrics.class })
    static class MetricsConfiguration {

        // An ObjectProvider rather than @ConditionalOnBean: this nested class is registered before the enclosing
        // class's beans, so a condition on the preload pool bean would never match.
        @Bean
        @ConditionalOnMissingBean(name = "relataPreloadPoolMetrics")
        MeterBinder relataPreloadPoolMetrics(ObjectProvider<RelataPreloadPool> preloadPool) {
            return registry -> preloadPool.ifAvailable(holder -> holder.pool()
                    .ifPresent(pool -> new ConnectionPoolMetrics(pool, RelataPreloadPool.NAME, Tags.empty())
                            .bindTo(registry)));
        }
    }
}
