package io.relata.benchmarks.peers;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.FetchType;
import jakarta.persistence.Id;
import jakarta.persistence.OneToOne;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;
import org.hibernate.annotations.SQLRestriction;

/** Hibernate Reactive's view of {@code users}: the card is the inverse side of a one-to-one. */
@Entity
@Table(name = "users")
@SQLRestriction("deleted_at is null")
public class HUser {

    @Id
    public Long id;

    @Column(name = "created_at")
    public OffsetDateTime createdAt;

    @Column(name = "updated_at")
    public OffsetDateTime updatedAt;

    @Column(name = "deleted_at")
    public OffsetDateTime deletedAt;

    public String name;

    @Column(name = "company_id")
    public Long companyId;

    @OneToOne(mappedBy = "user", fetch = FetchType.LAZY)
    public HCreditCard creditCard;

    public Long getId() {
        return this.id;
    }
}
