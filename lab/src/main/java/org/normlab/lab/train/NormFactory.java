package org.normlab.lab.train;

import org.normlab.nn.Layer;

/** Makes the normalization layer that follows a hidden linear layer of {@code features} units. */
@FunctionalInterface
public interface NormFactory {
  Layer create(int features);
}
