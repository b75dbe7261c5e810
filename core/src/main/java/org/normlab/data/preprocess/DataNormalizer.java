package org.normlab.data.preprocess;

import java.io.IOException;
import java.nio.file.Path;
import org.normlab.tensor.Tensor;

/**
 * A per-feature data normalizer (scikit-learn's fit / transform / inverse_transform): rows are
 * samples, columns features. {@link #fit} starts over on one data set; {@link #partialFit} adds a
 * chunk, and fitting chunk by chunk gives the same result as one fit on all rows (statistics merge
 * exactly, up to double rounding). A fitted normalizer saves to a safetensors file (arrays, with
 * its settings in the metadata) that {@link DataNormalizers#load} reads back.
 *
 * <p>Bad input is an {@link IllegalArgumentException} naming the problem: empty data, ragged rows,
 * NaN or infinite values (with row and column), a different feature count than fitted.
 */
public interface DataNormalizer {

  /** Forgets earlier fits and fits on {@code x}. */
  DataNormalizer fit(double[][] x);

  /** Adds the rows of {@code chunk} to what was fitted so far. */
  DataNormalizer partialFit(double[][] chunk);

  /** The normalized rows of {@code x} (a new array). */
  double[][] transform(double[][] x);

  /** The rows whose {@link #transform} is {@code x} (a new array). */
  double[][] inverseTransform(double[][] x);

  /** The number of features fitted, or -1 before any fit. */
  int features();

  /** The number of rows fitted so far. */
  long samplesSeen();

  /** Writes the fitted normalizer (atomically: a temporary file, then a rename). */
  void save(Path path) throws IOException;

  default boolean isFitted() {
    return samplesSeen() > 0;
  }

  /** {@link #fit} on a rank-2 tensor (samples, features). */
  default DataNormalizer fit(Tensor x) {
    return fit(Matrices.rows("x", x));
  }

  /** {@link #partialFit} on a rank-2 tensor (samples, features). */
  default DataNormalizer partialFit(Tensor chunk) {
    return partialFit(Matrices.rows("chunk", chunk));
  }

  /** {@link #transform} of a rank-2 tensor, as a float tensor of the same shape and layout. */
  default Tensor transform(Tensor x) {
    return Matrices.tensor(transform(Matrices.rows("x", x)), x.layout());
  }

  /** {@link #inverseTransform} of a rank-2 tensor, as a float tensor of the same shape and layout. */
  default Tensor inverseTransform(Tensor x) {
    return Matrices.tensor(inverseTransform(Matrices.rows("x", x)), x.layout());
  }
}
