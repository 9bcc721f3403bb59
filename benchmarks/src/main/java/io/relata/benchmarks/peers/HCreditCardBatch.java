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

/** {@code credit_cards} for {@link HUserBatch}. */
@Entity
@Table(name = "credit_cards")
@SQLRestriction("deleted_at is null")
public class HCreditCardBatch {

    @Id
    public Long id;

    @Column(name = "created_at")
    public OffsetDateTime createdAt;

    @Column(name = "updated_at")
    public OffsetDateTime updatedAt;

    @Column(name = "deleted_at")
    public OffsetDateTime deletedAt;

    public String number;

    @Column(name = "user_id", insertable = false, updatable = false)
    public Long userId;

    @ManyToOne(fetch = FetchType.LAZY)
    @JoinColumn(name = "user_id")
    public HUserBatch user;
}
