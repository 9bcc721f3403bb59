package io.relata.spring.boot;

/** A test entity with a has-one {@link Pet}. */
public class Owner {

    Long id;

    String name;

    Pet pet;

    Owner() {
    }

    Owner(String name, String petName) {
        this.name = name;
        if (petName != null) {
            this.pet = new Pet();
            this.pet.name = petName;
        }
    }

    /** The has-one target of {@link Owner}. */
    public static class Pet {

        Long id;

        String name;

        Long ownerId;
    }
}
