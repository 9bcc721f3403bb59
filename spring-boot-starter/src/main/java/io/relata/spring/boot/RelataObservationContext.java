package io.relata.spring.boot;

import io.micrometer.observation.Observation;
import io.relata.spi.Operation;
import java.util.Objects;

/**
 * The {@link Observation.Context} of one Relata operation: the {@link Operation} facts Relata reports.
 */
public class RelataObservationContext extends Observation.Context {

    private final Operation operation;

    /**
     * Creates the context.
     *
     * @param operation the operation observed
     */
    public RelataObservationContext(Operation operation) {
        this.operation = Objects.requireNonNull(operation, "operation must not be null");
    }

    /** @return the operation observed */
    public Operation getOperation() {
        return this.operation;
    }
}
