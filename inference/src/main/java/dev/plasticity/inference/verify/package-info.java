/**
 * Live verification: after a champion swap the scoring app scores each event with the outgoing
 * champion too (alias {@code previous}, not served), the label join writes both predictions into
 * one {@code LiveOutcome}, and {@link dev.plasticity.inference.verify.LiveVerifier} runs a
 * sequential test on those pairs ({@code DiscordantPairSprt}, Wald's SPRT on the events exactly one
 * version got right) and rolls back a new champion that loses. {@link
 * dev.plasticity.inference.verify.VerifyConfig} and {@link
 * dev.plasticity.inference.verify.VerifyEnvironment} say how it runs; the test and the watches are
 * package-private.
 */
package dev.plasticity.inference.verify;
