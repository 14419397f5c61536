package dev.plasticity.inference.service;

import dev.plasticity.schemas.Setting;
import dev.plasticity.schemas.SharedSettings;
import java.net.URI;
import java.util.List;

/**
 * Every environment variable {@link InferenceService#main} reads, declared once as a {@link
 * Setting}: {@link InferenceSettings#fromEnvironment} reads them, and the launcher's {@code
 * plasticity inference --help} prints {@link #ALL}. Immutable and thread-safe.
 */
public final class InferenceEnvironment {
  static final Setting<String> MODEL = Setting.text("PLASTICITY_MODEL", "", "the model to serve (required)");
  static final Setting<String> KAFKA_BOOTSTRAP = SharedSettings.KAFKA_BOOTSTRAP;
  static final Setting<URI> REGISTRY_URL = SharedSettings.REGISTRY_URL;
  static final Setting<String> REGISTRY_TOKEN = SharedSettings.REGISTRY_TOKEN;
  static final Setting<String> BIND_HOST = Setting.text("PLASTICITY_INFERENCE_BIND_HOST",
      InferenceService.DEFAULT_BIND_HOST, "the interface to listen on (0.0.0.0 for every interface)");
  static final Setting<Integer> PORT = Setting.port("PLASTICITY_INFERENCE_PORT",
      String.valueOf(InferenceService.DEFAULT_PORT), "the HTTP port (0: any free one)");

  /** Every variable the prediction service reads, in the order its help lists them. */
  public static final List<Setting<?>> ALL = List.of(MODEL, KAFKA_BOOTSTRAP, REGISTRY_URL, REGISTRY_TOKEN, BIND_HOST, PORT);

  private InferenceEnvironment() {}
}
