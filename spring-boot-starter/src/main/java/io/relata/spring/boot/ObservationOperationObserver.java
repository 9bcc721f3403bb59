package io.relata.spring.boot;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.relata.spi.Operation;
import io.relata.spi.OperationObserver;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;

/**
 * Opens a Micrometer {@link Observation} per Relata operation: started on subscription, its parent the observation in
 * the subscriber's Reactor Context (the HTTP request's, in WebFlux), stopped when the operation completes, fails or is
 * cancelled, and put in the Context of everything the operation subscribes to, so preload batches and the driver's
 * statement spans (r2dbc-proxy) hang below it.
 */
public final class ObservationOperationObserver implements OperationObserver {

    /**
     * The Reactor Context key of the current observation: the value of Micrometer's
     * {@code ObservationThreadLocalAccessor.KEY}, written out so that this class does not need the
     * context-propagation library, which that class implements.
     */
    static final String CONTEXT_KEY = "micrometer.observation";

    private static final RelataObservationConvention DEFAULT_CONVENTION = new DefaultRelataObservationConvention();

    private final ObservationRegistry registry;

    private final @Nullable RelataObservationConvention convention;

    /**
     * Creates the observer.
     *
     * @param registry the registry observations are made in
     * @param convention a convention replacing {@link DefaultRelataObservationConvention}, or {@code null}
     */
    public ObservationOperationObserver(ObservationRegistry registry,
            @Nullable RelataObservationConvention convention) {
        this.registry = Objects.requireNonNull(registry, "registry must not be null");
        this.convention = convention;
    }

    @Override
    public <T> Publisher<T> observe(Operation operation, Publisher<T> publisher) {
        if (this.registry.isNoop()) {
            return publisher;
        }
        return Flux.deferContextual(context -> {
            Observation observation = Observation.createNotStarted(this.convention, DEFAULT_CONVENTION,
                    () -> new RelataObservationContext(operation), this.registry);
            Observation parent = context.getOrDefault(CONTEXT_KEY, null);
            if (parent != null) {
                observation.parentObservation(parent);
            }
            observation.start();
            return Flux.from(publisher)
                    .doOnError(observation::error)
                    .doFinally(signal -> observation.stop())
                    .contextWrite(c -> c.put(CONTEXT_KEY, observation));
        });
    }
}
