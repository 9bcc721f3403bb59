package io.relata.tck;

import io.relata.testing.Jdbc;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * The model-based test's idea of the database: every row of companies, users, credit cards, toys and dogs, with the
 * columns the operations change (timestamps only as "soft-deleted or not"). {@link ModelTck} applies each operation
 * here by the documented semantics (DESIGN.md, docs/associations.md) and to the database through Relata, then
 * compares this with {@link #read(Jdbc)}, the database as plain JDBC sees it.
 */
final class ModelState {

    record UserRow(String name, Long companyId, boolean deleted) {
    }

    record CardRow(String number, Long userId, boolean deleted) {
    }

    record ToyRow(String name, Long ownerId, String ownerType) {
    }

    final TreeMap<Long, String> companies = new TreeMap<>();

    final TreeMap<Long, UserRow> users = new TreeMap<>();

    final TreeMap<Long, CardRow> cards = new TreeMap<>();

    final TreeMap<Long, ToyRow> toys = new TreeMap<>();

    final TreeMap<Long, String> dogs = new TreeMap<>();

    ModelState copy() {
        ModelState c = new ModelState();
        c.companies.putAll(this.companies);
        c.users.putAll(this.users);
        c.cards.putAll(this.cards);
        c.toys.putAll(this.toys);
        c.dogs.putAll(this.dogs);
        return c;
    }

    /** The database as it is, read over JDBC. */
    static ModelState read(Jdbc jdbc) {
        ModelState s = new ModelState();
        for (Map<String, Object> r : jdbc.query("SELECT id, name FROM companies")) {
            s.companies.put(id(r.get("id")), (String) r.get("name"));
        }
        for (Map<String, Object> r : jdbc.query("SELECT id, name, company_id, deleted_at FROM users")) {
            s.users.put(id(r.get("id")), new UserRow((String) r.get("name"), id(r.get("company_id")),
                    r.get("deleted_at") != null));
        }
        for (Map<String, Object> r : jdbc.query("SELECT id, number, user_id, deleted_at FROM credit_cards")) {
            s.cards.put(id(r.get("id")), new CardRow((String) r.get("number"), id(r.get("user_id")),
                    r.get("deleted_at") != null));
        }
        for (Map<String, Object> r : jdbc.query("SELECT id, name, owner_id, owner_type FROM toys")) {
            s.toys.put(id(r.get("id")), new ToyRow((String) r.get("name"), id(r.get("owner_id")),
                    (String) r.get("owner_type")));
        }
        for (Map<String, Object> r : jdbc.query("SELECT id, name FROM dogs")) {
            s.dogs.put(id(r.get("id")), (String) r.get("name"));
        }
        return s;
    }

    private static Long id(Object value) {
        return value == null ? null : ((Number) value).longValue();
    }

    // ------------------------------------------------------------------------------------------- questions

    List<Long> liveUsers() {
        return keys(this.users, u -> !u.deleted());
    }

    List<Long> allUsers() {
        return new ArrayList<>(this.users.keySet());
    }

    List<Long> allCards() {
        return new ArrayList<>(this.cards.keySet());
    }

    List<Long> allToys() {
        return new ArrayList<>(this.toys.keySet());
    }

    /** The card preload and {@code find()} return: the live card with the greatest id. */
    Long cardOf(long user) {
        Long found = null;
        for (Map.Entry<Long, CardRow> e : this.cards.entrySet()) {
            if (!e.getValue().deleted() && Objects.equals(e.getValue().userId(), user)) {
                found = e.getKey();
            }
        }
        return found;
    }

    long liveCards(long user) {
        return this.cards.values().stream().filter(c -> !c.deleted() && Objects.equals(c.userId(), user)).count();
    }

    /** Toys have no soft delete: the toy with the greatest id of that owner. */
    Long toyOf(String type, long owner) {
        Long found = null;
        for (Map.Entry<Long, ToyRow> e : this.toys.entrySet()) {
            if (type.equals(e.getValue().ownerType()) && Objects.equals(e.getValue().ownerId(), owner)) {
                found = e.getKey();
            }
        }
        return found;
    }

    boolean cardsReference(long user) {
        return this.cards.values().stream().anyMatch(c -> Objects.equals(c.userId(), user));
    }

    boolean usersReferenceCompany(long company, long except) {
        return this.users.entrySet().stream().anyMatch(e -> e.getKey() != except
                && Objects.equals(e.getValue().companyId(), company));
    }

    private static <V> List<Long> keys(TreeMap<Long, V> rows, Predicate<V> filter) {
        List<Long> out = new ArrayList<>();
        rows.forEach((k, v) -> {
            if (filter.test(v)) {
                out.add(k);
            }
        });
        return out;
    }

    // ------------------------------------------------------------------------------------------- changes

    void linkCard(long card, Long user) {
        CardRow c = this.cards.get(card);
        this.cards.put(card, new CardRow(c.number(), user, c.deleted()));
    }

    /** {@code UPDATE credit_cards SET user_id = NULL WHERE user_id = ? [AND id <> keep] AND deleted_at IS NULL}. */
    void unlinkLiveCards(long user, Long keep) {
        for (Long id : allCards()) {
            CardRow c = this.cards.get(id);
            if (!c.deleted() && Objects.equals(c.userId(), user) && !id.equals(keep)) {
                linkCard(id, null);
            }
        }
    }

    /** {@code DELETE FROM credit_cards WHERE user_id = ? [AND id <> keep]} (unscoped: soft-deleted ones too). */
    void deleteCards(long user, Long keep) {
        this.cards.entrySet().removeIf(e -> Objects.equals(e.getValue().userId(), user) && !e.getKey().equals(keep));
    }

    void softDeleteLiveCards(long user) {
        for (Long id : allCards()) {
            CardRow c = this.cards.get(id);
            if (!c.deleted() && Objects.equals(c.userId(), user)) {
                this.cards.put(id, new CardRow(c.number(), c.userId(), true));
            }
        }
    }

    void linkToy(long toy, Long owner, String type) {
        this.toys.put(toy, new ToyRow(this.toys.get(toy).name(), owner, type));
    }

    /** Unlinking a polymorphic has-one nulls the id and keeps the type. */
    void unlinkToys(String type, long owner, Long keep) {
        for (Long id : allToys()) {
            ToyRow t = this.toys.get(id);
            if (type.equals(t.ownerType()) && Objects.equals(t.ownerId(), owner) && !id.equals(keep)) {
                this.toys.put(id, new ToyRow(t.name(), null, t.ownerType()));
            }
        }
    }

    void deleteToys(String type, long owner, Long keep) {
        this.toys.entrySet().removeIf(e -> type.equals(e.getValue().ownerType())
                && Objects.equals(e.getValue().ownerId(), owner) && !e.getKey().equals(keep));
    }

    void setCompany(long user, Long company) {
        UserRow u = this.users.get(user);
        this.users.put(user, new UserRow(u.name(), company, u.deleted()));
    }

    void rename(long user, String name) {
        UserRow u = this.users.get(user);
        this.users.put(user, new UserRow(name, u.companyId(), u.deleted()));
    }

    void softDelete(long user) {
        UserRow u = this.users.get(user);
        this.users.put(user, new UserRow(u.name(), u.companyId(), true));
    }
}
