package io.relata.spring.boot;

import io.micrometer.common.KeyValue;
import io.micrometer.common.KeyValues;
import io.relata.spi.Operation;
import java.util.Locale;

/**
 * The default names and tags of Relata's observations. The observation (and so the timer) is named
 * {@value #NAME}; its low-cardinality keys are {@code relata.operation} ({@code find}, {@code join}, {@code count},
 * {@code preload}, {@code save}, {@code update}, {@code delete}, {@code association}, {@code exec}, {@code migrate}),
 * {@code relata.entity} (the entity's simple class name, or {@code none}), {@code relata.association} (or
 * {@code none}) and {@code db.system} ({@code postgresql}, {@code h2}, {@code mariadb}); a preload batch also carries
 * the high-cardinality {@code relata.batch.size} (distinct keys asked for). Span names stay stable, such as
 * {@code find User} or {@code preload User.creditCard}.
 */
public class DefaultRelataObservationConvention implements RelataObservationConvention {

    /** The observation's name. */
    public static final String NAME = "relata.operation";

    @Override
    public String getName() {
        return NAME;
    }

    @Override
    public String getContextualName(RelataObservationContext context) {
        Operation o = context.getOperation();
        String subject = o.entity() == null ? "" : " " + o.entityName()
                + (o.association() == null ? "" : "." + o.association());
        return o.kind().tag() + subject;
    }

    @Override
    public KeyValues getLowCardinalityKeyValues(RelataObservationContext context) {
        Operation o = context.getOperation();
        return KeyValues.of(KeyValue.of("relata.operation", o.kind().tag()),
                KeyValue.of("relata.entity", o.entityName()),
                KeyValue.of("relata.association", o.association() == null ? "none" : o.association()),
                KeyValue.of("db.system", o.database().toLowerCase(Locale.ROOT)));
    }

    @Override
    public KeyValues getHighCardinalityKeyValues(RelataObservationContext context) {
        Operation o = context.getOperation();
        return o.kind() == Operation.Kind.PRELOAD
                ? KeyValues.of(KeyValue.of("relata.batch.size", Integer.toString(o.batchSize())))
                : KeyValues.empty();
    }
}
