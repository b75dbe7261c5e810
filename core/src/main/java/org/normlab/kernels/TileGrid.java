package org.normlab.kernels;

/**
 * The output tiles of a Winograd convolution with tile x tile outputs per tile (2 for
 * F(2x2, 3x3), 4 for F(4x4, 3x3)): OH x OW outputs in TH x TW tiles (partial tiles at edges that
 * are not a multiple of the tile), numbered as tile positions q = ty*rowLen + tx with rowLen =
 * TW + 1 (a padding position ends each tile row; see {@link WinogradPanels}).
 */
record TileGrid(int tile, int oh, int ow, int th, int tw) {
  /** The F(2x2, 3x3) grid. */
  static TileGrid of(ConvGeometry g) {
    return of(g, 2);
  }

  static TileGrid of(ConvGeometry g, int tile) {
    return new TileGrid(tile, g.outH(), g.outW(), (g.outH() + tile - 1) / tile,
        (g.outW() + tile - 1) / tile);
  }

  /**
   * The grid of {@code count} images side by side, as one image whose tile rows hold each image's
   * row of TW tiles and its padding position in turn: count * (TW + 1) positions per row, the
   * last of which is the padding position, the other images' ones being tiles of the wide grid
   * whose outputs straddle two images (computed, never copied out). Its outputs are
   * tile * (count * (TW + 1) - 1) columns wide; image i's start at column tile * i * (TW + 1).
   */
  TileGrid sideBySide(int count) {
    int wideTiles = count * rowLen() - 1;
    return new TileGrid(tile, oh, tile * wideTiles, th, wideTiles);
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

  /**
   * Floats of one of the tile x tile split planes of an input channel: (TH + 1) x rowLen (the
   * patches reach one tile row and column past their tile).
   */
  int splitPlane() {
    return (th + 1) * rowLen();
  }
}
