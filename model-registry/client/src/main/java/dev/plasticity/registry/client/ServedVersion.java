package dev.plasticity.registry.client;

import dev.plasticity.schemas.RegistryChange;

/**
 * Which version was the champion at a moment, as the registry answers {@code GET .../served?at=}.
 *
 * @param model the model
 * @param at the moment asked about, epoch millis
 * @param version the champion then
 * @param since when it became the champion, epoch millis
 * @param change the change that made it the champion: who, why, from which version
 */
public record ServedVersion(String model, long at, int version, long since, RegistryChange change) {}
