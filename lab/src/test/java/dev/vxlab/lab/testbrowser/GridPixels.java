package dev.vxlab.lab.testbrowser;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds coloured grids in a screenshot by their two exact cell colours: blocks of rows dense with cell pixels, split
 * into blocks of columns, in reading order (top to bottom, left to right). Small marks in those colours (legend
 * swatches) are too sparse to count as a grid.
 */
public final class GridPixels {
    /** A grid found on the screen: where it is and how many pixels of each cell colour it has. */
    public record Grid(int x, int y, int width, int height, long okPixels, long brokenPixels) {
        public double brokenShare() {
            return (double) brokenPixels / (okPixels + brokenPixels);
        }
    }

    private static final int MIN_ROW_PIXELS = 60;
    private static final int MAX_GAP = 8;
    private static final int MIN_SIDE = 40;

    private GridPixels() {}

    public static List<Grid> find(BufferedImage image, int okRgb, int brokenRgb) {
        int w = image.getWidth();
        int h = image.getHeight();
        int[] row = new int[w];
        int[] perRow = new int[h];
        for (int y = 0; y < h; y++) {
            image.getRGB(0, y, w, 1, row, 0, w);
            for (int x = 0; x < w; x++) {
                if (isCell(row[x], okRgb, brokenRgb)) {
                    perRow[y]++;
                }
            }
        }
        List<Grid> grids = new ArrayList<>();
        for (int[] band : runs(perRow, MIN_ROW_PIXELS)) {
            int[] perColumn = new int[w];
            for (int y = band[0]; y < band[1]; y++) {
                image.getRGB(0, y, w, 1, row, 0, w);
                for (int x = 0; x < w; x++) {
                    if (isCell(row[x], okRgb, brokenRgb)) {
                        perColumn[x]++;
                    }
                }
            }
            for (int[] columns : runs(perColumn, 1)) {
                if (columns[1] - columns[0] < MIN_SIDE || band[1] - band[0] < MIN_SIDE) {
                    continue;
                }
                long ok = 0;
                long broken = 0;
                for (int y = band[0]; y < band[1]; y++) {
                    for (int x = columns[0]; x < columns[1]; x++) {
                        int rgb = image.getRGB(x, y) & 0xffffff;
                        ok += rgb == okRgb ? 1 : 0;
                        broken += rgb == brokenRgb ? 1 : 0;
                    }
                }
                grids.add(new Grid(columns[0], band[0], columns[1] - columns[0], band[1] - band[0], ok, broken));
            }
        }
        return grids;
    }

    private static boolean isCell(int argb, int okRgb, int brokenRgb) {
        int rgb = argb & 0xffffff;
        return rgb == okRgb || rgb == brokenRgb;
    }

    /** Maximal runs [from, to) of indexes whose count reaches the threshold, joining runs split by small gaps. */
    private static List<int[]> runs(int[] counts, int threshold) {
        List<int[]> runs = new ArrayList<>();
        int start = -1;
        int lastHit = -1;
        for (int i = 0; i < counts.length; i++) {
            if (counts[i] >= threshold) {
                if (start < 0 || i - lastHit > MAX_GAP) {
                    if (start >= 0) {
                        runs.add(new int[] {start, lastHit + 1});
                    }
                    start = i;
                }
                lastHit = i;
            }
        }
        if (start >= 0) {
            runs.add(new int[] {start, lastHit + 1});
        }
        return runs;
    }
}
