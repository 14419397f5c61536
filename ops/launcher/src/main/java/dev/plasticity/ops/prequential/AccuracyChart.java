package dev.plasticity.ops.prequential;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
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
 * Draws one stream's accuracy per block, one line per learner, with the known drifts (grey, dashed) and the rows where
 * each new version began serving (green) marked. Headless: needs no display.
 */
final class AccuracyChart {
  private AccuracyChart() {}

  static void write(StreamResult stream, Path png) throws IOException {
    System.setProperty("java.awt.headless", "true");
    XYSeriesCollection data = new XYSeriesCollection();
    for (StreamResult.LearnerResult learner : stream.learners()) {
      XYSeries series = new XYSeries(learner.name());
      List<Double> blocks = learner.score().blockAccuracy();
      for (int b = 0; b < blocks.size(); b++) {
        long endRow = Math.min((long) stream.bootstrapRows() + (long) (b + 1) * stream.blockSize(),
            stream.bootstrapRows() + stream.scoredRows());
        series.add(endRow, blocks.get(b));
      }
      data.addSeries(series);
    }
    JFreeChart chart = ChartFactory.createXYLineChart(
        stream.stream() + ": prequential accuracy per " + stream.blockSize() + " rows", "row", "accuracy", data,
        PlotOrientation.VERTICAL, true, false, false);
    XYPlot plot = chart.getXYPlot();
    plot.setBackgroundPaint(Color.WHITE);
    plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
    plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
    for (int i = 0; i < data.getSeriesCount(); i++) {
      plot.getRenderer().setSeriesStroke(i, new BasicStroke(i == 0 ? 2.5f : 1.2f));
    }
    for (long drift : stream.driftRows()) {
      ValueMarker marker = new ValueMarker(drift, Color.GRAY,
          new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f));
      marker.setLabel("drift");
      marker.setLabelAnchor(RectangleAnchor.TOP_LEFT);
      marker.setLabelTextAnchor(TextAnchor.TOP_RIGHT);
      plot.addDomainMarker(marker);
    }
    for (StreamResult.VersionFact v : stream.loop().versions()) {
      if (v.servedFromRow() != null && v.servedFromRow() > stream.bootstrapRows()) {
        ValueMarker marker = new ValueMarker(v.servedFromRow(), new Color(0, 140, 0), new BasicStroke(1f));
        marker.setLabel("v" + v.version());
        marker.setLabelAnchor(RectangleAnchor.BOTTOM_RIGHT);
        marker.setLabelTextAnchor(TextAnchor.BOTTOM_LEFT);
        plot.addDomainMarker(marker);
      }
    }
    ChartUtils.saveChartAsPNG(png.toFile(), chart, 1100, 550);
  }
}
