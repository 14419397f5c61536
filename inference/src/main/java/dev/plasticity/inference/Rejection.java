package dev.plasticity.inference;

/**
 * A version that will never be served: its artifact failed its checksum or does not fit its
 * architecture.
 *
 * @param model model name
 * @param version the rejected version
 * @param reason why, for logs and operators
 */
public record Rejection(String model, int version, String reason) {}
