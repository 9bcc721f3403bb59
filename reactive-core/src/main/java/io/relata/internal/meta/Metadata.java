package io.relata.internal.meta;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The cache of entity metadata: built once per class, shared by every {@code Relata} instance.
 */
public final class Metadata {

    private static final ConcurrentMap<Class<?>, EntityMeta<?>> CACHE = new ConcurrentHashMap<>();

    private Metadata() {
    }

    /**
     * The metadata of an entity class, without resolving its relationships (a self-reference then finds the same
     * instance, as GORM caches a schema before parsing its relations).
     *
     * @param type the entity class
     * @param <T> the entity type
     * @return the metadata
     * @throws io.relata.MappingException when the class cannot be mapped
     */
    @SuppressWarnings("unchecked")
    public static <T> EntityMeta<T> of(Class<T> type) {
        EntityMeta<?> meta = CACHE.get(type);
        if (meta == null) {
            EntityMeta<T> built = new EntityMeta<>(type);
            meta = CACHE.putIfAbsent(type, built);
            if (meta == null) {
                meta = built;
            }
        }
        return (EntityMeta<T>) meta;
    }

    /**
     * The metadata of an entity class with its relationships resolved, so a mapping error surfaces now.
     *
     * @param type the entity class
     * @param <T> the entity type
     * @return the metadata
     * @throws io.relata.MappingException when the class or one of its relationships cannot be mapped
     */
    public static <T> EntityMeta<T> resolved(Class<T> type) {
        EntityMeta<T> meta = of(type);
        resolveGraph(meta, java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>()));
        return meta;
    }

    /**
     * Resolves the relationships of every entity reachable from this one, so a bad mapping anywhere in the graph
     * a cascade or preload may walk fails at {@code repository()} rather than in the middle of a save.
     */
    private static void resolveGraph(EntityMeta<?> meta, java.util.Set<EntityMeta<?>> seen) {
        if (!seen.add(meta)) {
            return;
        }
        for (Relationship r : meta.relationships()) {
            resolveGraph(r.target(), seen);
        }
    }
}
