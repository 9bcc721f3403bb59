package io.relata.examples.web;

import reactor.blockhound.BlockHound;
import reactor.blockhound.integration.BlockHoundIntegration;

/**
 * Tells BlockHound about a lock inside Netty 4.2's buffer allocator, so the tests flag only blocking in the
 * application and in Relata. Registered in {@code META-INF/services}; blockhound-junit-platform loads it.
 *
 * <p>Under load (the 100,000-user stream) {@code AdaptivePoolingAllocator} grows its magazines and takes a
 * {@code StampedLock} write lock, which parks for a moment when another event loop holds it: a short, bounded
 * critical section that BlockHound reports as {@code Unsafe#park}. Netty's own BlockHound rules (4.2.15) do not cover
 * it yet; Armeria allows the same method (line/armeria#6344). Re-check after upgrading Netty.
 */
public final class NettyBlockHoundIntegration implements BlockHoundIntegration {

    @Override
    public void applyTo(BlockHound.Builder builder) {
        builder.allowBlockingCallsInside("io.netty.buffer.AdaptivePoolingAllocator$MagazineGroup",
                "tryExpandMagazines");
    }
}
