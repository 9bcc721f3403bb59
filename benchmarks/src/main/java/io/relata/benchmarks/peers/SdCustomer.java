package io.relata.benchmarks.peers;

import java.time.OffsetDateTime;
import java.util.List;
import org.springframework.data.annotation.Id;
import org.springframework.data.annotation.Transient;
import org.springframework.data.relational.core.mapping.Column;
import org.springframework.data.relational.core.mapping.Table;

/** Spring Data R2DBC's view of {@code customers}: no relationships, so the orders are a transient field. */
@Table("customers")
public class SdCustomer {

    @Id
    public Long id;

    @Column("created_at")
    public OffsetDateTime createdAt;

    @Column("updated_at")
    public OffsetDateTime updatedAt;

    @Column("deleted_at")
    public OffsetDateTime deletedAt;

    public String name;

    @Transient
    public List<SdOrder> orders;
}
