package dev.plasticity.registry.client;

import dev.plasticity.schemas.RegistryChange;

/**
 * What a promote, rollback, alias move or archive did, as the registry answers it.
 *
 * @param model the model
 * @param alias the alias moved or removed; null for an archive
 * @param version the version the alias points at now (the version archived, for an archive)
 * @param changed false when nothing changed (the alias pointed there already, the version was archived already)
 * @param change the change recorded in the model's history; null when nothing changed
 */
public record AliasMove(String model, String alias, int version, boolean changed, RegistryChange change) {}
