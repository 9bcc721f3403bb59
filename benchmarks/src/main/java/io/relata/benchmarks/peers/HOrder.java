package io.relata.benchmarks.peers;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.FetchType;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.ManyToOne;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;
import org.hibernate.annotations.SQLRestriction;

/** Hibernate Reactive's view of {@code orders}: the owning side of {@link HCustomer#orders}. */
@Entity
@Table(name = "orders")
@SQLRestriction("deleted_at is null")
public class HOrder {

    @Id
    public Long id;

    @Column(name = "created_at")
    public OffsetDateTime createdAt;

    @Column(name = "updated_at")
    public OffsetDateTime updatedAt;

    @Column(name = "deleted_at")
    public OffsetDateTime deletedAt;

    public String number;

    @Column(name = "customer_id", insertable = false, updatable = false)
    public Long customerId;

    @ManyToOne(fetch = FetchType.LAZY)
    @JoinColumn(name = "customer_id")
    public HCustomer customer;
}
