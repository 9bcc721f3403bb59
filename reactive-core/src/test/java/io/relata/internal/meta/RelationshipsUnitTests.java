package io.relata.internal.meta;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.relata.MappingException;
import io.relata.Model;
import io.relata.Relata;
import io.relata.annotation.Action;
import io.relata.annotation.BelongsTo;
import io.relata.annotation.HasOne;
import io.relata.annotation.Index;
import io.relata.annotation.UniqueIndex;
import org.junit.jupiter.api.Test;

/**
 * Relationship inference as GORM's {@code schema/relationship.go} does it, on the models of the GORM has-one and
 * belongs-to pages, and the mapping errors for relationships that cannot be resolved. No database.
 */
class RelationshipsUnitTests {

    // has_one.md "Declare": User has one CreditCard, UserID is the foreign key.
    static class Declare {
        static class User extends Model {
            CreditCard creditCard;
        }

        static class CreditCard extends Model {
            String number;
            Long userId;
        }
    }

    // has_one.md "Override Foreign Key": UserName (a string) stores the user's id.
    static class ForeignKey {
        static class User extends Model {
            @HasOne(foreignKey = "UserName")
            CreditCard creditCard;
        }

        static class CreditCard extends Model {
            String number;
            String userName;
        }
    }

    // has_one.md "Override References": UserName stores the user's Name.
    static class References {
        static class User extends Model {
            @Index
            String name;
            @HasOne(foreignKey = "UserName", references = "name")
            CreditCard creditCard;
        }

        static class CreditCard extends Model {
            String number;
            String userName;
        }
    }

    // has_one.md "Polymorphism Association".
    static class Polymorphic {
        static class Cat {
            Integer id;
            String name;
            @HasOne(polymorphic = "Owner")
            Toy toy;
        }

        static class Dog {
            Integer id;
            String name;
            @HasOne(polymorphic = "Owner", polymorphicValue = "master")
            Toy toy;
        }

        static class Toy {
            Integer id;
            String name;
            Integer ownerId;
            String ownerType;
        }
    }

    // has_one.md "Self-Referential Has One": GORM calls it has one; it is a belongs-to (go-gorm/gorm#1493).
    static class SelfReferential {
        static class User extends Model {
            String name;
            Long managerId;
            User manager;
        }
    }

    // DESIGN.md: an explicit @HasOne on a self-typed field is a real self-referential has-one.
    static class SelfHasOne {
        static class Node {
            Long id;
            String name;
            Long parentId;
            @HasOne(foreignKey = "parentId")
            Node child;
        }
    }

    // has_one.md "FOREIGN KEY Constraints".
    static class Constraints {
        static class User extends Model {
            @HasOne(onUpdate = Action.CASCADE, onDelete = Action.SET_NULL)
            CreditCard creditCard;
        }

        static class CreditCard extends Model {
            String number;
            Long userId;
        }
    }

    // belongs_to.md "Struct definition".
    static class BelongsToDeclare {
        static class User extends Model {
            String name;
        }

        static class Profile extends Model {
            Integer userId;
            User user;
            String name;
        }
    }

    // belongs_to.md "Override the foreign key".
    static class BelongsToForeignKey {
        static class User extends Model {
            String name;
        }

        static class Profile extends Model {
            Integer userRefer;
            @BelongsTo(foreignKey = "UserRefer")
            User user;
            String name;
        }
    }

    // belongs_to.md "Override references".
    static class BelongsToReferences {
        static class User extends Model {
            String name;
            @UniqueIndex
            String refer;
        }

        static class Profile extends Model {
            String name;
            String userRefer;
            @BelongsTo(foreignKey = "UserRefer", references = "Refer")
            User user;
        }
    }

    static class Missing {
        static class User extends Model {
            Wallet wallet;
        }

        static class Wallet extends Model {
            String owner;
        }
    }

    static class MissingAnnotated {
        static class User extends Model {
            @HasOne(foreignKey = "holder")
            Wallet wallet;
        }

        static class Wallet extends Model {
            Long userId;
        }
    }

    static class MissingPolymorphicType {
        static class Dog {
            Long id;
            @HasOne(polymorphic = "Owner")
            Toy toy;
        }

        static class Toy {
            Long id;
            Long ownerId;
        }
    }

    static class MissingPolymorphicBoth {
        static class Dog {
            Long id;
            @HasOne(polymorphic = "Owner")
            Toy toy;
        }

        static class Toy {
            Long id;
            String name;
        }
    }

    static class BadReferences {
        static class User extends Model {
            @HasOne(references = "nickname")
            Card card;
        }

        static class Card extends Model {
            Long userNickname;
        }
    }

    static class BothAnnotations {
        static class User extends Model {
            @HasOne
            @BelongsTo
            Card card;
        }

        static class Card extends Model {
            Long userId;
        }
    }

    static class ActionsOnNonUnique {
        static class User extends Model {
            @Index
            String name;
            @HasOne(foreignKey = "UserName", references = "name", onUpdate = Action.CASCADE)
            Card card;
        }

        static class Card extends Model {
            String userName;
        }
    }

    static class ActionsOnUnique {
        static class User extends Model {
            @UniqueIndex
            String name;
            @HasOne(foreignKey = "UserName", references = "name", onUpdate = Action.CASCADE)
            Card card;
        }

        static class Card extends Model {
            String userName;
        }
    }

    static class ActionsOnPolymorphic {
        static class Dog {
            Long id;
            @HasOne(polymorphic = "Owner", onDelete = Action.CASCADE)
            Toy toy;
        }

        static class Toy {
            Long id;
            Long ownerId;
            String ownerType;
        }
    }

    static class SelfMissing {
        static class Employee {
            Long id;
            Employee boss;
        }
    }

    @Test
    void hasOneIsInferredFromOwnerTypeIdOnTheTarget() {
        Relationship r = Metadata.resolved(Declare.User.class).requireRelationship("creditCard");
        assertThat(r.kind()).isEqualTo(Relationship.Kind.HAS_ONE);
        assertThat(r.foreignKey().name()).isEqualTo("userId");
        assertThat(r.foreignKey().column()).isEqualTo("user_id");
        assertThat(r.foreignKey().owner().type()).isEqualTo(Declare.CreditCard.class);
        assertThat(r.references().name()).isEqualTo("id");
        assertThat(r.foreignKeySide().table()).isEqualTo("credit_cards");
        assertThat(r.referencedSide().table()).isEqualTo("users");
        assertThat(r.polymorphic()).isFalse();
        assertThat(r.onUpdate()).isEqualTo(Action.DEFAULT);
    }

    @Test
    void associationNamesAreCaseInsensitive() {
        EntityMeta<Declare.User> meta = Metadata.resolved(Declare.User.class);
        assertThat(meta.relationship("CreditCard")).isSameAs(meta.relationship("creditcard"));
        assertThatThrownBy(() -> meta.requireRelationship("account"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("account").hasMessageContaining("[creditCard]");
    }

    @Test
    void hasOneForeignKeyTakesTheReferencedKeyType() {
        Relationship r = Metadata.resolved(ForeignKey.User.class).requireRelationship("creditCard");
        assertThat(r.hasOne()).isTrue();
        assertThat(r.foreignKey().name()).isEqualTo("userName");
        assertThat(r.foreignKey().type()).isEqualTo(String.class);
        // GORM copies the primary key's data type to the foreign key (shared/gorm/SEMANTICS.md section 1).
        assertThat(r.foreignKey().columnType()).isEqualTo(Long.class);
        ForeignKey.CreditCard card = new ForeignKey.CreditCard();
        card.userName = "42";
        assertThat(r.targetKeyValue(card)).isEqualTo(42L);
        ForeignKey.User user = new ForeignKey.User();
        user.setId(42L);
        assertThat(r.ownerKeyValue(user)).isEqualTo(42L);
    }

    @Test
    void hasOneReferencesAnotherField() {
        Relationship r = Metadata.resolved(References.User.class).requireRelationship("creditCard");
        assertThat(r.hasOne()).isTrue();
        assertThat(r.foreignKey().column()).isEqualTo("user_name");
        assertThat(r.references().name()).isEqualTo("name");
        assertThat(r.foreignKey().columnType()).isEqualTo(String.class);
    }

    @Test
    void polymorphicHasOneStoresTheOwnerTableOrPolymorphicValue() {
        Relationship cat = Metadata.resolved(Polymorphic.Cat.class).requireRelationship("toy");
        Relationship dog = Metadata.resolved(Polymorphic.Dog.class).requireRelationship("toy");
        assertThat(cat.polymorphic()).isTrue();
        assertThat(cat.hasOne()).isTrue();
        assertThat(cat.foreignKey().column()).isEqualTo("owner_id");
        assertThat(cat.typeColumn().column()).isEqualTo("owner_type");
        assertThat(cat.typeValue()).isEqualTo("cats");
        assertThat(dog.typeValue()).isEqualTo("master");
        assertThat(dog.foreignKey()).isEqualTo(cat.foreignKey());
    }

    @Test
    void selfReferenceIsABelongsTo() {
        Relationship r = Metadata.resolved(SelfReferential.User.class).requireRelationship("manager");
        assertThat(r.kind()).isEqualTo(Relationship.Kind.BELONGS_TO);
        assertThat(r.foreignKey().name()).isEqualTo("managerId");
        assertThat(r.references().name()).isEqualTo("id");
        assertThat(r.target()).isSameAs(r.owner());
    }

    @Test
    void explicitSelfReferentialHasOne() {
        Relationship r = Metadata.resolved(SelfHasOne.Node.class).requireRelationship("child");
        assertThat(r.kind()).isEqualTo(Relationship.Kind.HAS_ONE);
        assertThat(r.foreignKey().name()).isEqualTo("parentId");
        assertThat(r.target()).isSameAs(r.owner());
        SelfHasOne.Node parent = new SelfHasOne.Node();
        parent.id = 7L;
        SelfHasOne.Node child = new SelfHasOne.Node();
        child.parentId = 7L;
        assertThat(r.ownerKeyValue(parent)).isEqualTo(r.targetKeyValue(child));
    }

    @Test
    void constraintActionsAreKept() {
        Relationship r = Metadata.resolved(Constraints.User.class).requireRelationship("creditCard");
        assertThat(r.hasOne()).isTrue();
        assertThat(r.onUpdate()).isEqualTo(Action.CASCADE);
        assertThat(r.onDelete()).isEqualTo(Action.SET_NULL);
    }

    @Test
    void belongsToIsInferredFromFieldNameId() {
        Relationship r = Metadata.resolved(BelongsToDeclare.Profile.class).requireRelationship("user");
        assertThat(r.kind()).isEqualTo(Relationship.Kind.BELONGS_TO);
        assertThat(r.foreignKey().name()).isEqualTo("userId");
        assertThat(r.foreignKeySide().table()).isEqualTo("profiles");
        assertThat(r.referencedSide().table()).isEqualTo("users");
        // The Integer foreign key stores the Long id.
        assertThat(r.foreignKey().columnType()).isEqualTo(Long.class);
        BelongsToDeclare.Profile profile = new BelongsToDeclare.Profile();
        profile.userId = 3;
        assertThat(r.ownerKeyValue(profile)).isEqualTo(3L);
    }

    @Test
    void belongsToForeignKeyOverride() {
        Relationship r = Metadata.resolved(BelongsToForeignKey.Profile.class).requireRelationship("user");
        assertThat(r.kind()).isEqualTo(Relationship.Kind.BELONGS_TO);
        assertThat(r.foreignKey().column()).isEqualTo("user_refer");
        assertThat(r.references().name()).isEqualTo("id");
    }

    @Test
    void belongsToReferencesOverride() {
        Relationship r = Metadata.resolved(BelongsToReferences.Profile.class).requireRelationship("user");
        assertThat(r.kind()).isEqualTo(Relationship.Kind.BELONGS_TO);
        assertThat(r.foreignKey().column()).isEqualTo("user_refer");
        assertThat(r.references().column()).isEqualTo("refer");
        assertThat(r.keyType()).isEqualTo(String.class);
    }

    @Test
    void missingForeignKeyNamesClassFieldAndEveryKeyLookedFor() {
        assertThatThrownBy(() -> Metadata.resolved(Missing.User.class))
                .isInstanceOf(MappingException.class)
                .hasMessageContaining("User.wallet")
                .hasMessageContaining(Missing.User.class.getName())
                .hasMessageContaining("Wallet.userId (column user_id)")
                .hasMessageContaining("User.walletId (column wallet_id)");
    }

    @Test
    void mappingErrorsSurfaceWhenTheRepositoryIsCreated() {
        // No connection is opened by connect or repository: the error comes from the mapping alone.
        Relata db = Relata.connect("r2dbc:h2:mem:///relationships-unit");
        try {
            assertThatThrownBy(() -> db.repository(Missing.User.class))
                    .isInstanceOf(MappingException.class)
                    .hasMessageContaining("User.wallet");
            assertThatThrownBy(() -> db.migrate(Missing.Wallet.class, Missing.User.class))
                    .isInstanceOf(MappingException.class)
                    .hasMessageContaining("User.wallet");
        }
        finally {
            db.close().block();
        }
    }

    @Test
    void annotatedForeignKeyThatDoesNotExistIsNamed() {
        assertThatThrownBy(() -> Metadata.resolved(MissingAnnotated.User.class))
                .isInstanceOf(MappingException.class)
                .hasMessageContaining("User.wallet")
                .hasMessageContaining("Wallet.holder (column holder)");
    }

    @Test
    void polymorphicTargetWithoutTypeFieldNamesIt() {
        assertThatThrownBy(() -> Metadata.resolved(MissingPolymorphicType.Dog.class))
                .isInstanceOf(MappingException.class)
                .hasMessageContaining("Dog.toy")
                .hasMessageContaining("Toy has no field Toy.ownerType (column owner_type)")
                .message().doesNotContain("no field Toy.ownerId");
    }

    @Test
    void polymorphicTargetWithoutEitherFieldNamesBoth() {
        assertThatThrownBy(() -> Metadata.resolved(MissingPolymorphicBoth.Dog.class))
                .isInstanceOf(MappingException.class)
                .hasMessageContaining("Toy.ownerId (column owner_id)")
                .hasMessageContaining("Toy.ownerType (column owner_type)");
    }

    @Test
    void unknownReferencesIsNamed() {
        assertThatThrownBy(() -> Metadata.resolved(BadReferences.User.class))
                .isInstanceOf(MappingException.class)
                .hasMessageContaining("User.card")
                .hasMessageContaining("'nickname'");
    }

    @Test
    void bothAnnotationsAreRejected() {
        assertThatThrownBy(() -> Metadata.resolved(BothAnnotations.User.class))
                .isInstanceOf(MappingException.class)
                .hasMessageContaining("User.card")
                .hasMessageContaining("@HasOne and @BelongsTo");
    }

    @Test
    void constraintActionsNeedAUniqueReferencedField() {
        assertThatThrownBy(() -> Metadata.resolved(ActionsOnNonUnique.User.class))
                .isInstanceOf(MappingException.class)
                .hasMessageContaining("User.card")
                .hasMessageContaining("User.name")
                .hasMessageContaining("@UniqueIndex");
        assertThat(Metadata.resolved(ActionsOnUnique.User.class).requireRelationship("card").onUpdate())
                .isEqualTo(Action.CASCADE);
        assertThatThrownBy(() -> Metadata.resolved(ActionsOnPolymorphic.Dog.class))
                .isInstanceOf(MappingException.class)
                .hasMessageContaining("Dog.toy")
                .hasMessageContaining("polymorphic");
    }

    @Test
    void selfReferenceWithoutKeyListsBothGuesses() {
        // GORM tries belongs-to first for a self-typed field, then has-one.
        assertThatThrownBy(() -> Metadata.resolved(SelfMissing.Employee.class))
                .isInstanceOf(MappingException.class)
                .hasMessageContaining("Employee.boss")
                .hasMessageMatching("(?s).*Employee\\.bossId.*then.*Employee\\.employeeId.*");
    }
}
