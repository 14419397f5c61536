/**
 * The demo: {@link dev.plasticity.ops.demo.Demo} drives the embedded stack with a seeded SEA stream
 * that drifts once, and returns a {@link dev.plasticity.ops.demo.DemoReport} (the drift, the trigger,
 * the strategy, accuracy before and after the swap, failed predictions) that the launcher prints and
 * the tests assert on. The stream, the accuracy ledger and the console output are package-private.
 */
package dev.plasticity.ops.demo;
