package io.sparkps.spark;

import java.io.Serializable;

/** Driver plugin's answer to {@link ServerSlotRequest}. Immutable. */
record ServerSlotReply(boolean start, String reason) implements Serializable {}
