package io.relata.replication;

import io.relata.Model;
import io.relata.annotation.Table;
import io.relata.testing.ReplicaSet;

/**
 * Entities over views that report which server answered ({@code inet_server_port()}, {@code pg_is_in_recovery()}),
 * so routing is proven by the server itself, not by counting calls; and plain tables for writes.
 */
final class Probes {

    private Probes() {
    }

    /** One row: the port and role of the server that ran the query. */
    @Table("probes")
    public static class Probe {
        Long id;
        Integer port;
        Boolean inRecovery;
        ProbeDetail detail;
    }

    /**
     * As many rows as the answering server's port number, all for probe 1: a has-one (preload, association find)
     * whose rows say where they were read, and whose count is the port.
     */
    @Table("probe_details")
    public static class ProbeDetail {
        Long id;
        Long probeId;
        Integer port;
    }

    /** Like {@link Probe}, after sleeping: time to kill the server while it runs. */
    @Table("slow_probes")
    public static class SlowProbe {
        Long id;
        Integer port;
        Boolean inRecovery;
    }

    /** A large result, each row saying which server sent it. */
    @Table("many_probes")
    public static class ManyProbe {
        Long id;
        Integer port;
        String padding;
    }

    public static class Account extends Model {
        String owner;
        Long balance;
        Card card;
    }

    public static class Card extends Model {
        Long accountId;
        String number;
    }

    /** Rows of {@link ManyProbe}: enough that the result cannot sit in the socket buffers once the reader stops. */
    static final int MANY = 400_000;

    /** Creates the views, the tables of {@link Account} and {@link Card}, and waits for the replicas. */
    static void create(ReplicaSet set) {
        set.execute(
                "CREATE VIEW probes AS SELECT 1::bigint AS id, inet_server_port() AS port,"
                        + " pg_is_in_recovery() AS in_recovery",
                "CREATE VIEW probe_details AS SELECT g::bigint AS id, 1::bigint AS probe_id,"
                        + " inet_server_port() AS port FROM generate_series(1, inet_server_port()) g",
                "CREATE VIEW slow_probes AS SELECT 1::bigint AS id, inet_server_port() AS port,"
                        + " pg_is_in_recovery() AS in_recovery FROM (SELECT pg_sleep(3)) s");
        set.awaitReplicas();
    }

    /** Creates the view of {@link ManyProbe} over {@value #MANY} rows, and waits for the replicas. */
    static void createMany(ReplicaSet set) {
        set.execute("CREATE TABLE numbers AS SELECT g::bigint AS id FROM generate_series(1, " + MANY + ") g",
                "ALTER TABLE numbers ADD PRIMARY KEY (id)",
                "CREATE VIEW many_probes AS SELECT id, inet_server_port() AS port, repeat('x', 60) AS padding"
                        + " FROM numbers");
        set.awaitReplicas();
    }
}
