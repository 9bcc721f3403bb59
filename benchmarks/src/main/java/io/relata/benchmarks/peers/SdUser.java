package io.relata.benchmarks.peers;

import java.time.OffsetDateTime;
import org.springframework.data.annotation.Id;
import org.springframework.data.annotation.Transient;
import org.springframework.data.relational.core.mapping.Column;
import org.springframework.data.relational.core.mapping.Table;

/** Spring Data R2DBC's view of {@code users}: it has no relationships, so the card is a transient field. */
@Table("users")
public class SdUser {

    @Id
    public Long id;

    @Column("created_at")
    public OffsetDateTime createdAt;

    @Column("updated_at")
    public OffsetDateTime updatedAt;

    @Column("deleted_at")
    public OffsetDateTime deletedAt;

    public String name;

    @Column("company_id")
    public Long companyId;

    @Transient
    public SdCreditCard creditCard;
}
