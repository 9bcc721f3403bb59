package io.relata.internal.query;

import io.relata.internal.meta.EntityMeta;
import io.relata.internal.meta.Relationship;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Resolves association paths such as {@code "manager.creditCard"} into relationships.
 */
final class Paths {

    private Paths() {
    }

    static List<Relationship> resolve(EntityMeta<?> meta, String path) {
        Objects.requireNonNull(path, "path must not be null");
        if (path.isBlank()) {
            throw new IllegalArgumentException("An association path must not be empty; valid associations of "
                    + meta.type().getSimpleName() + " are " + meta.relationshipNames());
        }
        List<Relationship> out = new ArrayList<>();
        EntityMeta<?> current = meta;
        for (String name : path.split("\\.", -1)) {
            Relationship r = current.relationship(name.trim());
            if (r == null) {
                throw new IllegalArgumentException("Unknown association '" + name + "' in path '" + path + "' of "
                        + current.type().getSimpleName() + "; valid associations are " + current.relationshipNames());
            }
            out.add(r);
            current = r.target();
        }
        return List.copyOf(out);
    }

    /**
     * Resolves a path for {@code joins}, which cannot load a to-many association: a join repeats the owner's row for
     * every target (GORM's {@code Joins} on a has-many panicked in the lab, shared/gorm/SEMANTICS.md section 5).
     *
     * @throws IllegalArgumentException for an unknown name, or naming {@code preload} for a to-many association
     */
    static List<Relationship> toOne(EntityMeta<?> meta, String path) {
        List<Relationship> resolved = resolve(meta, path);
        for (Relationship r : resolved) {
            if (r.toMany()) {
                throw new IllegalArgumentException("joins(\"" + path + "\"): " + r.owner().type().getSimpleName() + "."
                        + r.name() + " is a " + (r.manyToMany() ? "many-to-many" : "has-many") + " association, and "
                        + "a join would repeat each " + r.owner().type().getSimpleName() + " once per "
                        + r.target().type().getSimpleName() + "; load it with preload(\"" + path + "\") instead");
            }
        }
        return resolved;
    }
}
