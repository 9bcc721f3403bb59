package io.relata.tck;

import static org.assertj.core.api.Assertions.assertThat;

import io.relata.Repository;
import io.relata.tck.BrownfieldModels.Member;
import io.relata.tck.BrownfieldModels.MemberCard;
import io.relata.tck.BrownfieldModels.MemberProfile;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Foreign keys whose column type differs from the key they reference, on tables made by plain SQL (issue 8): GORM's
 * string foreign key ({@code member_cards.member_name varchar} holding {@code members.id}, an {@code int4} key under
 * a {@code Long} field) and an {@code int8} foreign key under an {@code Integer} field. Every place keys are used:
 * save, preload (on PostgreSQL the key array takes the foreign key column's type), joins (cast in the {@code ON}
 * clause: PostgreSQL has no {@code varchar = integer}), association mode and delete with associations.
 */
public abstract class BrownfieldKeysTck extends DatabaseTestSupport {

    @BeforeEach
    void createTables() {
        LegacyDdl t = new LegacyDdl(database());
        this.jdbc.update("CREATE TABLE members (id " + t.serialInt() + ", name VARCHAR(40))");
        this.jdbc.update("CREATE TABLE member_cards (id " + t.serialBig() + ", number VARCHAR(20), member_name VARCHAR(20))");
        this.jdbc.update("CREATE TABLE member_profiles (id " + t.serialInt() + ", member_id BIGINT, bio VARCHAR(40))");
    }

    private Repository<Member> members() {
        return this.db.repository(Member.class);
    }

    private Member saveMember(String name, String card, String bio) {
        Member m = new Member();
        m.name = name;
        m.card = new MemberCard();
        m.card.number = card;
        m.profile = new MemberProfile();
        m.profile.bio = bio;
        return await(members().save(m));
    }

    @Test
    void savedKeysTakeTheForeignKeyColumnsType() {
        Member ann = saveMember("ann", "4111", "hi");

        assertThat(this.jdbc.single("SELECT member_name FROM member_cards")).as("the id as text")
                .isEqualTo(String.valueOf(ann.id));
        assertThat(this.jdbc.count("SELECT member_id FROM member_profiles")).isEqualTo(ann.id);
        assertThat(ann.card.memberName).isEqualTo(String.valueOf(ann.id));
        assertThat(ann.profile.memberId).isEqualTo(ann.id.intValue());
    }

    @Test
    void preloadMatchesKeysOfEveryTypeAndSkipsTextThatIsNoKey() {
        Member ann = saveMember("ann", "4111", "hi");
        Member bob = saveMember("bob", "5500", "yo");
        this.jdbc.update("INSERT INTO member_cards (number, member_name) VALUES ('orphan', 'n/a')");
        this.statements.clear();

        List<Member> read = awaitAll(members().findAll().orderBy("id").preload("card").preload("profile"));
        assertThat(read).extracting(m -> m.card.number).containsExactly("4111", "5500");
        assertThat(read).extracting(m -> m.profile.bio).containsExactly("hi", "yo");
        assertThat(this.statements).hasSize(3);

        List<MemberCard> cards = awaitAll(this.db.repository(MemberCard.class).findAll().orderBy("id")
                .preload("member"));
        assertThat(cards).extracting(c -> c.member == null ? null : c.member.name).containsExactly("ann", "bob", null);
        assertThat(ann.id).isLessThan(bob.id);
    }

    @Test
    void joinsCastWhereTheKeyTypesDiffer() {
        Member ann = saveMember("ann", "4111", "hi");
        saveMember("bob", "5500", "yo");

        List<Member> joined = awaitAll(members().findAll().joins("card").innerJoins("profile")
                .where("members.name = ?", "ann"));
        assertThat(joined).singleElement().satisfies(m -> {
            assertThat(m.card.number).isEqualTo("4111");
            assertThat(m.profile.bio).isEqualTo("hi");
        });
        List<MemberCard> cards = awaitAll(this.db.repository(MemberCard.class).findAll().innerJoins("member")
                .where("member_cards.number = ?", "4111"));
        assertThat(cards).singleElement().satisfies(c -> assertThat(c.member.id).isEqualTo(ann.id));
        assertThat(await(members().findAll().joins("card").count())).isEqualTo(2);
    }

    @Test
    void associationModeAndDeleteUseTheColumnsType() {
        Member ann = saveMember("ann", "4111", "hi");
        assertThat(await(members().<MemberCard>association(ann, "card").find()).number).isEqualTo("4111");
        assertThat(await(members().association(ann, "card").count())).isEqualTo(1);

        MemberCard next = new MemberCard();
        next.number = "6011";
        await(members().<MemberCard>association(ann, "card").replace(next));
        assertThat(this.jdbc.query("SELECT number, member_name FROM member_cards ORDER BY id"))
                .extracting(row -> row.get("number") + "/" + row.get("member_name"))
                .containsExactly("4111/null", "6011/" + ann.id);

        MemberCard card = await(this.db.repository(MemberCard.class).where("number = ?", "6011").first());
        await(this.db.repository(MemberCard.class).<Member>association(card, "member").clear());
        assertThat(this.jdbc.single("SELECT member_name FROM member_cards WHERE number = '6011'")).isNull();

        await(members().<MemberCard>association(ann, "card").replace(card));
        assertThat(await(members().unscoped().delete(ann, "card", "profile"))).isEqualTo(1);
        assertThat(this.jdbc.count("SELECT COUNT(*) FROM member_cards WHERE number = '6011'")).isZero();
        assertThat(this.jdbc.count("SELECT COUNT(*) FROM member_profiles")).isZero();
        assertThat(this.jdbc.count("SELECT COUNT(*) FROM members")).isZero();
    }
}
