package io.relata.tck;

import static org.assertj.core.api.Assertions.assertThat;

import io.relata.Relata;
import io.relata.testing.Fresh;
import io.relata.testing.TestDatabase;
import java.time.Duration;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * Every conformance suite, run on MariaDB.
 */
class MariaDbIntegrationTests {

    private static final TestDatabase DATABASE = TestDatabase.MARIADB;

    @Test
    void theDialectIsDetectedThroughThePool() {
        try (Fresh fresh = DATABASE.fresh()) {
            Relata db = Relata.connect(fresh.r2dbcUrl());
            try {
                assertThat(db.dialect().name()).isEqualTo("MariaDB");
                assertThat(db.exec("CREATE TABLE probes (id INTEGER)").block(Duration.ofSeconds(30))).isNotNull();
                assertThat(fresh.jdbc().tables()).contains("probes");
            }
            finally {
                db.close().block(Duration.ofSeconds(30));
            }
        }
    }

    @Nested
    class Crud extends CrudTck {
        @Override
        protected TestDatabase database() {
            return DATABASE;
        }
    }

    @Nested
    class Associations extends AssociationTck {
        @Override
        protected TestDatabase database() {
            return DATABASE;
        }
    }

    @Nested
    class Migration extends MigrationTck {
        @Override
        protected TestDatabase database() {
            return DATABASE;
        }
    }

    @Nested
    class Preload extends PreloadTck {
        @Override
        protected TestDatabase database() {
            return DATABASE;
        }
    }

    @Nested
    class HostileInput extends HostileInputTck {
        @Override
        protected TestDatabase database() {
            return DATABASE;
        }
    }

    @Nested
    class ConditionsAndOrder extends ConditionsAndOrderTck {
        @Override
        protected TestDatabase database() {
            return DATABASE;
        }
    }

    @Nested
    class Joins extends JoinsTck {
        @Override
        protected TestDatabase database() {
            return DATABASE;
        }
    }

    @Nested
    class Timeouts extends TimeoutTck {
        @Override
        protected TestDatabase database() {
            return DATABASE;
        }
    }

    @Nested
    class Faults extends FaultTck {
        @Override
        protected TestDatabase database() {
            return DATABASE;
        }
    }

    @Nested
    class Load extends LoadTck {
        @Override
        protected TestDatabase database() {
            return DATABASE;
        }
    }

    @Nested
    class ModelBased extends ModelTck {
        @Override
        protected TestDatabase database() {
            return DATABASE;
        }
    }

    @Nested
    class Brownfield extends BrownfieldTck {
        @Override
        protected TestDatabase database() {
            return DATABASE;
        }
    }

    @Nested
    class BrownfieldKeys extends BrownfieldKeysTck {
        @Override
        protected TestDatabase database() {
            return DATABASE;
        }
    }

    @Nested
    class BrownfieldValues extends BrownfieldValuesTck {
        @Override
        protected TestDatabase database() {
            return DATABASE;
        }
    }

    @Nested
    class ExistingSchema extends ExistingSchemaTck {
        @Override
        protected TestDatabase database() {
            return DATABASE;
        }
    }

    @Nested
    class ReplicaRouting extends ReplicaRoutingTck {
        @Override
        protected TestDatabase database() {
            return DATABASE;
        }
    }

    @Nested
    class JoinedTransactions extends CallerTransactionTck {
        @Override
        protected TestDatabase database() {
            return DATABASE;
        }
    }

    @Nested
    class Observers extends OperationObserverTck {
        @Override
        protected TestDatabase database() {
            return DATABASE;
        }
    }

    @Nested
    class SaveAll extends SaveAllTck {
        @Override
        protected TestDatabase database() {
            return DATABASE;
        }
    }

    @Nested
    class HasMany extends HasManyTck {
        @Override
        protected TestDatabase database() {
            return DATABASE;
        }
    }

    @Nested
    class ManyToMany extends ManyToManyTck {
        @Override
        protected TestDatabase database() {
            return DATABASE;
        }
    }

    @Nested
    class ToManyPreload extends ToManyPreloadTck {
        @Override
        protected TestDatabase database() {
            return DATABASE;
        }
    }
}
