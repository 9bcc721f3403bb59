package io.relata.benchmarks.peers;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.FetchType;
import jakarta.persistence.Id;
import jakarta.persistence.OneToMany;
import jakarta.persistence.OrderBy;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;
import java.util.List;
import org.hibernate.annotations.BatchSize;
import org.hibernate.annotations.SQLRestriction;

/**
 * Hibernate Reactive's view of {@code customers}: a lazy {@code @OneToMany} of orders, in primary-key order like
 * Relata's, batch-fetched 1,000 owners per statement when not join-fetched.
 */
@Entity
@Table(name = "customers")
@SQLRestriction("deleted_at is null")
public class HCustomer {

    @Id
    public Long id;

    @Column(name = "created_at")
    public OffsetDateTime createdAt;

    @Column(name = "updated_at")
    public OffsetDateTime updatedAt;

    @Column(name = "deleted_at")
    public OffsetDateTime deletedAt;

    public String name;

    @OneToMany(mappedBy = "customer", fetch = FetchType.LAZY)
    @BatchSize(size = 1000)
    @OrderBy("id")
    public List<HOrder> orders;

    public Long getId() {
        return this.id;
    }
}
