package dev.plasticity.ops.replay;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * Draws a replay's accuracy per block over the rows, with each drift trigger (red, dashed) and each
 * swap to a newer version (green) marked, as a PNG with JFreeChart. PNG only: JFreeChart's SVG
 * companion (JFreeSVG) is GPL-licensed. Headless: needs no display.
 */
public final class ReplayChart {
  private ReplayChart() {}

  /**
   * @throws IllegalArgumentException when {@code png} does not end in {@code .png}
   */
  public static void write(ReplayReport report, Path png) throws IOException {
    if (!png.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".png")) {
      throw new IllegalArgumentException("the chart is written as PNG (a file ending in .png), not " + png
          + "; SVG is not offered");
    }
    System.setProperty("java.awt.headless", "true");
    XYSeries accuracy = new XYSeries("accuracy per " + report.timeline().blockSize() + " rows");
    for (ReplayReport.Block block : report.timeline().blocks()) {
      if (block.accuracy() != null) {
        accuracy.add(block.lastRow(), block.accuracy());
      }
    }
    JFreeChart chart = ChartFactory.createXYLineChart(report.model() + ": prequential accuracy ("
        + String.format(Locale.ROOT, "%.3f", report.prequentialAccuracy() == null ? Double.NaN
            : report.prequentialAccuracy()) + " overall)", "row", "accuracy",
        new XYSeriesCollection(accuracy), PlotOrientation.VERTICAL, true, false, false);
    XYPlot plot = chart.getXYPlot();
    plot.setBackgroundPaint(Color.WHITE);
    plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
    plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
    plot.getRenderer().setSeriesStroke(0, new BasicStroke(2f));
    plot.getRangeAxis().setRange(0, 1.02);
    for (ReplayReport.Trigger trigger : report.timeline().triggers()) {
      if (trigger.row() < 0 || !trigger.signal().equals("DRIFT")) {
        continue;
      }
      ValueMarker marker = new ValueMarker(trigger.row(), new Color(200, 30, 30),
          new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f));
      marker.setLabel(trigger.kind().toLowerCase(Locale.ROOT) + " drift");
      marker.setLabelAnchor(RectangleAnchor.TOP_LEFT);
      marker.setLabelTextAnchor(TextAnchor.TOP_RIGHT);
      plot.addDomainMarker(marker);
    }
    for (ReplayReport.Swap swap : report.timeline().swaps()) {
      ValueMarker marker = new ValueMarker(swap.row(), new Color(0, 140, 0), new BasicStroke(1.5f));
      marker.setLabel("v" + swap.toVersion());
      marker.setLabelAnchor(RectangleAnchor.BOTTOM_RIGHT);
      marker.setLabelTextAnchor(TextAnchor.BOTTOM_LEFT);
      plot.addDomainMarker(marker);
    }
    Path parent = png.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    ChartUtils.saveChartAsPNG(png.toFile(), chart, 1100, 550);
  }
}
