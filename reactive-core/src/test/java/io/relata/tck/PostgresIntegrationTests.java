package io.relata.tck;

import io.relata.testing.TestDatabase;
import org.junit.jupiter.api.Nested;

/**
 * Every conformance suite, run on PostgreSQL (see {@link ConformanceSuites}).
 */
@ConformanceSuites.On(database = TestDatabase.POSTGRES, dialect = "PostgreSQL")
class PostgresIntegrationTests extends ConformanceSuites {

    @Nested
    class Crud extends CrudTck {
    }

    @Nested
    class Associations extends AssociationTck {
    }

    @Nested
    class Migration extends MigrationTck {
    }

    @Nested
    class Preload extends PreloadTck {
    }

    @Nested
    class HostileInput extends HostileInputTck {
    }

    @Nested
    class ConditionsAndOrder extends ConditionsAndOrderTck {
    }

    @Nested
    class Joins extends JoinsTck {
    }

    @Nested
    class Timeouts extends TimeoutTck {
    }

    @Nested
    class Faults extends FaultTck {
    }

    @Nested
    class Load extends LoadTck {
    }

    @Nested
    class ModelBased extends ModelTck {
    }

    @Nested
    class Brownfield extends BrownfieldTck {
    }

    @Nested
    class BrownfieldKeys extends BrownfieldKeysTck {
    }

    @Nested
    class BrownfieldValues extends BrownfieldValuesTck {
    }

    @Nested
    class ExistingSchema extends ExistingSchemaTck {
    }

    @Nested
    class ReplicaRouting extends ReplicaRoutingTck {
    }

    @Nested
    class JoinedTransactions extends CallerTransactionTck {
    }

    @Nested
    class Observers extends OperationObserverTck {
    }

    @Nested
    class SaveAll extends SaveAllTck {
    }

    @Nested
    class HasMany extends HasManyTck {
    }

    @Nested
    class ManyToMany extends ManyToManyTck {
    }

    @Nested
    class ToManyPreload extends ToManyPreloadTck {
    }
}
