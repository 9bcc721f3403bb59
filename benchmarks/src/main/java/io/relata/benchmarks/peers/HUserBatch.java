package io.relata.benchmarks.peers;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.FetchType;
import jakarta.persistence.Id;
import jakarta.persistence.OneToMany;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;
import java.util.List;
import org.hibernate.annotations.BatchSize;
import org.hibernate.annotations.SQLRestriction;

/**
 * {@code users} mapped for Hibernate's batch fetching. Hibernate loads the inverse side of a
 * {@code @OneToOne(mappedBy)} by unique key, one statement per owner, even with {@code @BatchSize} (measured: 2,000
 * statements for 1,000 users); batch fetching needs a collection, so the has-one is mapped as a one-element
 * {@code @OneToMany}, the usual workaround.
 */
@Entity
@Table(name = "users")
@SQLRestriction("deleted_at is null")
public class HUserBatch {

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

    @OneToMany(mappedBy = "user", fetch = FetchType.LAZY)
    @BatchSize(size = 1000)
    public List<HCreditCardBatch> cards;

    public Long getId() {
        return this.id;
    }

    public HCreditCardBatch creditCard() {
        return this.cards == null || this.cards.isEmpty() ? null : this.cards.get(0);
    }
}
