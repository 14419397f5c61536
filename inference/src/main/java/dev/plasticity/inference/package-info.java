/**
 * Serving a model while its versions change: {@link dev.plasticity.inference.ModelSubscription}
 * follows the versions topic and hands each new champion to {@link
 * dev.plasticity.inference.ModelLoader}, which downloads, verifies, loads and warms it up before
 * {@link dev.plasticity.inference.HotSwapPredictor} swaps it in one step; every {@link
 * dev.plasticity.inference.Prediction} carries the version that made it, each swap is a {@link
 * dev.plasticity.inference.SwapEvent} and each refused version a {@link
 * dev.plasticity.inference.Rejection}. {@link dev.plasticity.inference.AliasPredictors} holds a
 * model's predictor per {@link dev.plasticity.inference.AliasRole} (champion, challenger, shadow)
 * and keeps a replaced champion scoring for a verification watch. The HTTP prediction service over these classes is in the
 * {@code plasticity-inference-service} module, so a library user's classpath holds no web server. A
 * version is swapped in only through the loader, so the model being served ({@code ServingModel})
 * is package-private.
 */
package dev.plasticity.inference;
