package dev.plasticity.streamjobs;

import dev.plasticity.schemas.LabelledEvent;

/**
 * A decoded, valid labelled event and where it was read from (for the trigger's data window).
 *
 * @param event the event
 * @param partition source partition
 * @param offset offset in that partition
 */
public record ObservedEvent(LabelledEvent event, int partition, long offset) {}
