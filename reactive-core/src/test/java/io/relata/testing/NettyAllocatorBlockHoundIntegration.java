package io.relata.testing;

import reactor.blockhound.BlockHound;
import reactor.blockhound.integration.BlockHoundIntegration;

/**
 * Tells BlockHound about a lock inside Netty 4.2's default buffer allocator, so integration tests flag only blocking
 * in the code under test. Registered in {@code META-INF/services}; blockhound-junit-platform loads it.
 *
 * <p>Under many concurrent connections (the load suite: 200 streams on 10 connections) an event loop that finds every
 * buffer magazine contended grows the magazine array under a {@code StampedLock} write lock, and BlockHound reports
 * its {@code Unsafe#park} (seen with netty 4.2.15 on PostgreSQL). The lock only guards the swap of that array; Netty's
 * own BlockHound integration allows the allocator's other locks but not this one (Armeria allows it too:
 * line/armeria pull request 6344, "Update BlockHound rules for Netty 4.2").
 */
public final class NettyAllocatorBlockHoundIntegration implements BlockHoundIntegration {

    @Override
    public void applyTo(BlockHound.Builder builder) {
        builder.allowBlockingCallsInside("io.netty.buffer.AdaptivePoolingAllocator$MagazineGroup",
                "tryExpandMagazines");
    }
}
