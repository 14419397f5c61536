package dev.plasticity.registry.server;

/**
 * One entry of {@code GET /api/models}.
 *
 * @param name the model's name
 * @param createdAt when it was registered, epoch millis
 * @param latestVersion its newest version, null if it has none
 * @param championVersion its newest champion, null if it has none
 */
record ModelSummary(String name, long createdAt, Integer latestVersion, Integer championVersion) {}
