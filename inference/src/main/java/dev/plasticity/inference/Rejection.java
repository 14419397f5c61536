package dev.plasticity.inference;

/**
 * A version that will never be served: it names no usable artifact location, its artifact failed
 * its checksum or does not fit its architecture, or the network failed to warm up.
 *
 * @param model model name
 * @param version the rejected version
 * @param reason why, for logs and operators
 */
public record Rejection(String model, int version, String reason) {}
