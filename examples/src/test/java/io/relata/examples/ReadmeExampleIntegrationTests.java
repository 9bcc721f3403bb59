package io.relata.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.relata.Model;
import io.relata.Relata;
import io.relata.Repository;
import io.relata.annotation.Index;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The README's "A taste" snippet, run as written, so the first code a newcomer reads keeps working.
 */
class ReadmeExampleIntegrationTests {

    static class User extends Model {
        @Index String name;
        Long companyId;
        Company company;
        CreditCard creditCard;
        List<Order> orders;
    }

    static class CreditCard extends Model {
        String number;
        Long userId;
    }

    static class Order extends Model {
        String number;
        Long userId;
    }

    static class Company {
        Long id;
        String name;
    }

    @Test
    void theReadmeSnippetRuns() {
        Relata db = Relata.connect("r2dbc:h2:mem:///readme");
        try {
            Repository<User> users = db.repository(User.class);

            Mono<Void> schema = db.migrate(Company.class, User.class, CreditCard.class, Order.class);

            User u = new User();
            u.name = "jinzhu";
            u.company = new Company();
            u.creditCard = new CreditCard();
            u.orders = List.of(new Order(), new Order());
            Mono<User> saved = users.save(u);

            Flux<User> page = users.where("users.name LIKE ?", "j%")
                    .preload("creditCard")
                    .preload("orders", q -> q.orderBy("created_at DESC").limit(5))
                    .joins("company")
                    .orderBy("users.name")
                    .flux();

            Mono<Void> swap = users.<CreditCard>association(u, "creditCard").replace(new CreditCard());

            List<User> found = schema.then(saved).thenMany(page).collectList().block(Duration.ofSeconds(30));
            assertThat(found).hasSize(1);
            assertThat(found.get(0).creditCard.userId).isEqualTo(u.getId());
            assertThat(found.get(0).company.id).isEqualTo(u.companyId);
            assertThat(found.get(0).orders).hasSize(2).allSatisfy(o -> assertThat(o.userId).isEqualTo(u.getId()));

            Long oldCard = u.creditCard.getId();
            swap.block(Duration.ofSeconds(30));
            assertThat(u.creditCard.getId()).isNotEqualTo(oldCard);
            assertThat(users.findAll().preload("creditCard").first().block(Duration.ofSeconds(30)).creditCard.getId())
                    .isEqualTo(u.creditCard.getId());
        }
        finally {
            db.close().block(Duration.ofSeconds(30));
        }
    }
}
