package io.relata.internal.meta;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.relata.MappingException;
import io.relata.Model;
import io.relata.annotation.Action;
import io.relata.annotation.HasMany;
import io.relata.annotation.HasOne;
import io.relata.annotation.Id;
import io.relata.annotation.ManyToMany;
import io.relata.annotation.Table;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * To-many inference as GORM's {@code schema/relationship.go} does it for slices and {@code many2many}, on the models
 * of the GORM has-many and many-to-many pages, and the mapping errors of collections that cannot be mapped. No
 * database.
 */
class ToManyRelationshipsUnitTests {

    static class User extends Model {
        String name;
        Long managerId;
        List<CreditCard> creditCards;
        @HasMany(foreignKey = "managerId")
        Set<User> team;
        @ManyToMany
        Collection<Language> languages;
        @ManyToMany(joinTable = "user_friends")
        List<User> friends;
    }

    static class CreditCard extends Model {
        String number;
        Long userId;
    }

    static class Language extends Model {
        String name;
        @ManyToMany(joinTable = "user_languages")
        List<User> users;
    }

    @Test
    void aCollectionOfAnEntityHoldingTheOwnerKeyIsAHasMany() {
        Relationship r = Metadata.resolved(User.class).requireRelationship("creditCards");
        assertThat(r.kind()).isEqualTo(Relationship.Kind.HAS_MANY);
        assertThat(r.toMany()).isTrue();
        assertThat(r.targetHoldsKey()).isTrue();
        assertThat(r.foreignKey().name()).isEqualTo("userId");
        assertThat(r.ownerKey().name()).isEqualTo("id");
        assertThat(r.targetKey()).isSameAs(r.foreignKey());
        assertThat(r.foreignKeySide().type()).isEqualTo(CreditCard.class);
    }

    @Test
    void selfReferentialHasManyTakesItsForeignKey() {
        Relationship team = Metadata.resolved(User.class).requireRelationship("team");
        assertThat(team.kind()).isEqualTo(Relationship.Kind.HAS_MANY);
        assertThat(team.target()).isSameAs(team.owner());
        assertThat(team.foreignKey().column()).isEqualTo("manager_id");
    }

    @Test
    void manyToManyDefaultsFollowGorm() {
        EntityMeta<User> meta = Metadata.resolved(User.class);
        JoinTable languages = meta.requireRelationship("languages").joinTable();
        assertThat(languages.table()).isEqualTo("user_languages");
        assertThat(languages.ownerColumn()).isEqualTo("user_id");
        assertThat(languages.targetColumn()).isEqualTo("language_id");
        assertThat(List.of(languages.ownerName(), languages.targetName())).containsExactly("user", "language");
        JoinTable friends = meta.requireRelationship("friends").joinTable();
        assertThat(List.of(friends.ownerColumn(), friends.targetColumn())).containsExactly("user_id", "friend_id");
        assertThat(friends.targetName()).isEqualTo("friends");
        JoinTable back = Metadata.resolved(Language.class).requireRelationship("users").joinTable();
        assertThat(back.mirrored().ownerColumn()).isEqualTo(languages.ownerColumn());
        assertThat(back.mirrored().targetColumn()).isEqualTo(languages.targetColumn());
        Relationship m2m = meta.requireRelationship("languages");
        assertThatThrownBy(m2m::foreignKeySide).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("join table");
        assertThat(m2m.keyType()).isEqualTo(Long.class);
    }

    @Test
    void settingACollectionCopiesItIntoTheFieldsType() {
        EntityMeta<User> meta = Metadata.resolved(User.class);
        User u = new User();
        CreditCard c = new CreditCard();
        List<CreditCard> given = List.of(c);
        meta.requireRelationship("creditCards").set(u, given);
        assertThat(u.creditCards).isInstanceOf(ArrayList.class).containsExactly(c).isNotSameAs(given);
        meta.requireRelationship("team").set(u, List.of(u, u));
        assertThat(u.team).isInstanceOf(LinkedHashSet.class).containsExactly(u);
        assertThat(meta.requireRelationship("languages").targets(u)).isEmpty();
    }

    @Test
    void singularsOfFieldNames() {
        assertThat(Map.of("friends", Naming.singular("friends"), "addresses", Naming.singular("addresses"),
                "categories", Naming.singular("categories"), "children", Naming.singular("children"),
                "people", Naming.singular("people"), "data", Naming.singular("data")))
                .containsEntry("friends", "friend").containsEntry("addresses", "address")
                .containsEntry("categories", "category").containsEntry("children", "child")
                .containsEntry("people", "person").containsEntry("data", "data");
    }

    // ---------------------------------------------------------------- errors

    static class Wallets {
        static class User extends Model {
            List<Wallet> wallets;
        }

        static class Wallet extends Model {
            String name;
        }
    }

    static class Strings {
        static class User extends Model {
            List<String> tags;
        }
    }

    static class Wildcard {
        static class User extends Model {
            List<? extends Wallets.Wallet> wallets;
        }
    }

    static class WrongAnnotation {
        static class User extends Model {
            @HasOne
            List<CreditCard> creditCards;
        }

        static class Card extends Model {
            @HasMany
            CreditCard card;
        }
    }

    static class PolymorphicActions {
        static class Dog {
            Long id;
            @HasMany(polymorphic = "Owner", onDelete = Action.CASCADE)
            List<Toy> toys;
        }

        static class Toy {
            Long id;
            Long ownerId;
            String ownerType;
        }
    }

    static class BadJoinEntity {
        static class Person {
            Long id;
            @ManyToMany(joinTable = "person_addresses", joinEntity = PersonAddress.class)
            List<Address> addresses;
        }

        static class Address {
            Long id;
        }

        @Table("person_addresses")
        static class PersonAddress {
            @Id
            Long personId;
            Long addressId;
        }
    }

    @Test
    void aCollectionWithoutKeyNamesWhatItLookedFor() {
        assertThatThrownBy(() -> Metadata.resolved(Wallets.User.class))
                .isInstanceOf(MappingException.class)
                .hasMessageContaining("User.wallets")
                .hasMessageContaining("has-many foreign key Wallet.userId (column user_id)")
                .hasMessageContaining("@HasMany(foreignKey").hasMessageContaining("@ManyToMany");
    }

    @Test
    void collectionsThatAreNotAssociationsAreRejected() {
        assertThatThrownBy(() -> Metadata.of(Strings.User.class)).isInstanceOf(MappingException.class)
                .hasMessageContaining("User.tags").hasMessageContaining("@Transient");
        assertThatThrownBy(() -> Metadata.of(Wildcard.User.class)).isInstanceOf(MappingException.class)
                .hasMessageContaining("no wildcards");
    }

    @Test
    void toOneAnnotationsOnCollectionsAndToManyAnnotationsOnFieldsAreRejected() {
        assertThatThrownBy(() -> Metadata.resolved(WrongAnnotation.User.class)).isInstanceOf(MappingException.class)
                .hasMessageContaining("is a collection").hasMessageContaining("@HasMany");
        assertThatThrownBy(() -> Metadata.resolved(WrongAnnotation.Card.class)).isInstanceOf(MappingException.class)
                .hasMessageContaining("not a collection");
    }

    @Test
    void aPolymorphicHasManyTakesNoConstraintActions() {
        assertThatThrownBy(() -> Metadata.resolved(PolymorphicActions.Dog.class)).isInstanceOf(MappingException.class)
                .hasMessageContaining("polymorphic has-many");
    }

    @Test
    void aJoinEntityMustKeyBothJoinColumns() {
        assertThatThrownBy(() -> Metadata.resolved(BadJoinEntity.Person.class)).isInstanceOf(MappingException.class)
                .hasMessageContaining("PersonAddress").hasMessageContaining("two @Id fields")
                .hasMessageContaining("person_id").hasMessageContaining("address_id");
    }
}
