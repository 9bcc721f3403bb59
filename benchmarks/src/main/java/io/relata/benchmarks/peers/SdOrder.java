package io.relata.benchmarks.peers;

import java.time.OffsetDateTime;
import org.springframework.data.annotation.Id;
import org.springframework.data.relational.core.mapping.Column;
import org.springframework.data.relational.core.mapping.Table;

/** Spring Data R2DBC's view of {@code orders}. */
@Table("orders")
public class SdOrder {

    @Id
    public Long id;

    @Column("created_at")
    public OffsetDateTime createdAt;

    @Column("updated_at")
    public OffsetDateTime updatedAt;

    @Column("deleted_at")
    public OffsetDateTime deletedAt;

    public String number;

    @Column("customer_id")
    public Long customerId;
}
