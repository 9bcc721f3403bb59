package io.relata.tck;

import static org.assertj.core.api.Assertions.assertThat;

import io.relata.Repository;
import io.relata.tck.ModelTck.Dog;
import io.relata.tck.ModelTck.User;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Random;

/** What {@link ModelTck} checks after its steps: the database against the model, and Relata's reads against both. */
final class ModelChecks {

    private ModelChecks() {
    }

    /** Every row of every table, as the model says. */
    static void assertDatabase(ModelState expected, ModelState actual) {
        assertThat(actual.companies).as("companies").isEqualTo(expected.companies);
        assertThat(actual.users).as("users").isEqualTo(expected.users);
        assertThat(actual.cards).as("credit cards").isEqualTo(expected.cards);
        assertThat(actual.toys).as("toys").isEqualTo(expected.toys);
        assertThat(actual.dogs).as("dogs").isEqualTo(expected.dogs);
    }

    /**
     * Relata's reads agree with the model: preloads of every kind, a join, an unscoped read, {@code findById} and
     * association mode of one user, soft-deleted or not.
     */
    static void assertReads(ModelState model, Repository<User> users, Repository<Dog> dogs, Random random,
            Duration timeout) {
        List<User> loaded = users.findAll().preload("creditCard").preload("company").preload("toy").flux()
                .sort(Comparator.comparing(User::getId)).collectList().block(timeout);
        assertThat(loaded).extracting(User::getId).as("live users, preloaded").isEqualTo(model.liveUsers());
        for (User u : loaded) {
            assertUser(model, u);
            Long card = model.cardOf(u.getId());
            if (card == null) {
                assertThat(u.creditCard).as("card of user #%d", u.getId()).isNull();
            }
            else {
                assertThat(u.creditCard).as("card of user #%d", u.getId()).isNotNull();
                assertThat(u.creditCard.getId()).as("card of user #%d", u.getId()).isEqualTo(card);
                assertThat(u.creditCard.number).isEqualTo(model.cards.get(card).number());
                assertThat(u.creditCard.userId).isEqualTo(u.getId());
            }
            Long toy = model.toyOf("users", u.getId());
            assertThat(u.toy == null ? null : u.toy.id).as("toy of user #%d", u.getId()).isEqualTo(toy);
            if (toy != null) {
                assertThat(u.toy.name).isEqualTo(model.toys.get(toy).name());
            }
        }
        List<User> joined = users.findAll().joins("company").flux().sort(Comparator.comparing(User::getId))
                .collectList().block(timeout);
        assertThat(joined).extracting(User::getId).as("live users, joined").isEqualTo(model.liveUsers());
        joined.forEach(u -> assertUser(model, u));
        List<User> all = users.unscoped().findAll().flux().sort(Comparator.comparing(User::getId)).collectList()
                .block(timeout);
        assertThat(all).extracting(User::getId).as("every user, unscoped").isEqualTo(model.allUsers());
        for (User u : all) {
            assertThat(u.getDeletedAt() != null).as("user #%d soft-deleted", u.getId())
                    .isEqualTo(model.users.get(u.getId()).deleted());
        }
        if (!model.users.isEmpty()) {
            long id = model.allUsers().get(random.nextInt(model.users.size()));
            boolean live = !model.users.get(id).deleted();
            assertThat(users.findById(id).blockOptional(timeout).map(User::getId)).as("findById(%d)", id)
                    .isEqualTo(live ? Optional.of(id) : Optional.empty());
            User owner = new User();
            owner.setId(id);
            ModelTck.CreditCard card = users.<ModelTck.CreditCard>association(owner, "creditCard").find()
                    .block(timeout);
            assertThat(card == null ? null : card.getId()).as("find() card of user #%d", id)
                    .isEqualTo(model.cardOf(id));
            assertThat(users.association(owner, "creditCard").count().block(timeout))
                    .as("count() cards of user #%d", id).isEqualTo(model.liveCards(id));
        }
        List<Dog> loadedDogs = dogs.findAll().preload("toy").flux().sort(Comparator.comparing(d -> d.id))
                .collectList().block(timeout);
        assertThat(loadedDogs).extracting(d -> d.id).as("dogs").containsExactlyElementsOf(model.dogs.keySet());
        for (Dog d : loadedDogs) {
            assertThat(d.toy == null ? null : d.toy.id).as("toy of dog #%d", d.id).isEqualTo(model.toyOf("dogs", d.id));
        }
    }

    private static void assertUser(ModelState model, User u) {
        ModelState.UserRow row = model.users.get(u.getId());
        assertThat(u.name).as("name of user #%d", u.getId()).isEqualTo(row.name());
        assertThat(u.companyId).as("company of user #%d", u.getId()).isEqualTo(row.companyId());
        if (row.companyId() == null) {
            assertThat(u.company).as("company of user #%d", u.getId()).isNull();
        }
        else {
            assertThat(u.company).as("company of user #%d", u.getId()).isNotNull();
            assertThat(u.company.id).isEqualTo(row.companyId());
            assertThat(u.company.name).isEqualTo(model.companies.get(row.companyId()));
        }
    }
}
