package org.normlab.kernels;

/**
 * The output tiles of a Winograd F(2x2, 3x3) convolution: OH x OW outputs in TH x TW tiles of
 * 2x2 (half tiles at odd edges), numbered as tile positions q = ty*rowLen + tx with rowLen =
 * TW + 1 (a padding position ends each tile row; see {@link WinogradPanels}).
 */
record TileGrid(int oh, int ow, int th, int tw) {
  static TileGrid of(ConvGeometry g) {
    return new TileGrid(g.outH(), g.outW(), (g.outH() + 1) / 2, (g.outW() + 1) / 2);
  }

  /** Tile positions per tile row: TW tiles and one padding position. */
  int rowLen() {
    return tw + 1;
  }

  /** Tile positions of one image, padding positions included: TH * rowLen. */
  int positions() {
    return th * rowLen();
  }

  /** Outputs per channel plane: OH * OW. */
  int planeSize() {
    return oh * ow;
  }
}
