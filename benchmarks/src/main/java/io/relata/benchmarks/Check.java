package io.relata.benchmarks;

import io.relata.benchmarks.model.User;
import java.util.List;
import java.util.function.Function;
import org.openjdk.jmh.infra.BenchmarkParams;

/** A benchmark of wrong results is worthless: every implementation is checked once per trial, in setup. */
public final class Check {

    private Check() {
    }

    /**
     * The method a JMH fork measures, so that its setup checks that one only (running the others there would train
     * the JIT on paths the fork does not measure).
     *
     * @param params the fork's parameters
     * @return the benchmark method's simple name
     */
    public static String method(BenchmarkParams params) {
        String benchmark = params.getBenchmark();
        return benchmark.substring(benchmark.lastIndexOf('.') + 1);
    }

    /**
     * Checks that a result has every owner once, and that exactly the expected owners have their own card.
     *
     * @return the result, for chaining
     */
    public static <U> List<U> owners(String what, List<U> result, int owners, Function<U, Long> id,
            Function<U, Long> cardUserId) {
        if (result.size() != owners) {
            throw new IllegalStateException(what + ": " + result.size() + " users, expected " + owners);
        }
        long withCards = 0;
        for (U u : result) {
            Long cardUser = cardUserId.apply(u);
            if (cardUser != null) {
                if (!cardUser.equals(id.apply(u))) {
                    throw new IllegalStateException(what + ": user " + id.apply(u) + " got the card of " + cardUser);
                }
                withCards++;
            }
        }
        if (withCards != BenchDb.expectedCards(owners)) {
            throw new IllegalStateException(what + ": " + withCards + " users with cards, expected "
                    + BenchDb.expectedCards(owners));
        }
        return result;
    }

    public static List<User> users(String what, List<User> result, int owners) {
        return owners(what, result, owners, User::getId, u -> u.creditCard == null ? null : u.creditCard.userId);
    }
}
