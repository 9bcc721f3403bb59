package io.relata.spring.boot;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;

/**
 * Names and tags Relata's observations. Define a bean of this type to replace
 * {@link DefaultRelataObservationConvention} (or extend it).
 */
public interface RelataObservationConvention extends ObservationConvention<RelataObservationContext> {

    @Override
    default boolean supportsContext(Observation.Context context) {
        return context instanceof RelataObservationContext;
    }
}
