/**
 * What the trainer and inference need of the model registry without pulling its server in: the
 * HTTP client ({@link dev.plasticity.registry.client.RegistryClient}, which uploads, fetches and
 * verifies versions and throws {@link dev.plasticity.registry.client.RegistryException} or {@link
 * dev.plasticity.registry.client.ArtifactIntegrityException}), the model format both sides agree on
 * ({@link dev.plasticity.registry.client.ModelFormat}: an architecture of a {@link
 * dev.plasticity.registry.client.NetworkFamily} (one mlp, or a gate and experts: {@link
 * dev.plasticity.registry.client.ExpertsBlock}) plus DJL parameters, read
 * for prediction with {@link dev.plasticity.registry.client.ClassProbabilities}, or a whole batch
 * encoded into one buffer with {@link dev.plasticity.registry.client.InputEncoder}, from maps or from
 * columns ({@link dev.plasticity.registry.client.FeatureColumns})), the JSON the API
 * speaks ({@link dev.plasticity.registry.client.RegistryJson}, shared with the server) and the
 * artifact checksum ({@link dev.plasticity.registry.client.Sha256}).
 */
package dev.plasticity.registry.client;
