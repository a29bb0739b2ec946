package org.ntk4j.plot;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.XYStyler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Line and scatter plots rendered headlessly to PNG (XChart), for the experiments, the demo and the notebooks. A plot is
 * described as a value and rendered with {@link #toImage} or {@link #save}; non-finite and (on log axes) non-positive
 * points are dropped, with the count noted in the legend, rather than breaking the rendering.
 */
public final class Plots {
  static {
    if (System.getProperty("java.awt.headless") == null) System.setProperty("java.awt.headless", "true");
  }

  private Plots() {}

  /** How a series is drawn. */
  public enum Style { LINE, DASHED, MARKERS, LINE_MARKERS }

  /** One named series. */
  public record Series(String name, double[] x, double[] y, Style style) {
    public Series {
      if (x.length != y.length) throw new IllegalArgumentException("series '" + name + "': " + x.length + " x values, " + y.length + " y values");
    }
  }

  /** A plot with title, axis labels, optional log axes and series. */
  public static final class Plot {
    private final String title;
    private final String xLabel;
    private final String yLabel;
    private boolean logX;
    private boolean logY;
    private int width = 800;
    private int height = 560;
    private final List<Series> series = new ArrayList<>();

    public Plot(String title, String xLabel, String yLabel) {
      this.title = title;
      this.xLabel = xLabel;
      this.yLabel = yLabel;
    }

    public Plot logX() { logX = true; return this; }
    public Plot logY() { logY = true; return this; }
    public Plot size(int w, int h) { width = w; height = h; return this; }

    public Plot add(String name, double[] x, double[] y, Style style) {
      series.add(new Series(name, x.clone(), y.clone(), style));
      return this;
    }

    public Plot line(String name, double[] x, double[] y) { return add(name, x, y, Style.LINE); }

    public Plot dashed(String name, double[] x, double[] y) { return add(name, x, y, Style.DASHED); }

    public Plot markers(String name, double[] x, double[] y) { return add(name, x, y, Style.MARKERS); }

    public List<Series> series() { return List.copyOf(series); }

    XYChart chart() {
      XYChart c = new XYChartBuilder().width(width).height(height).title(title).xAxisTitle(xLabel).yAxisTitle(yLabel).build();
      XYStyler s = c.getStyler();
      c.getStyler().setXAxisLogarithmic(logX);
      c.getStyler().setYAxisLogarithmic(logY);
      s.setLegendPosition(Styler.LegendPosition.OutsideS);
      s.setChartBackgroundColor(Color.WHITE);
      s.setPlotGridLinesVisible(true);
      c.getStyler().setMarkerSize(6);
      if (series.isEmpty()) throw new IllegalArgumentException("plot '" + title + "' has no series");
      for (Series se : series) {
        List<Double> xs = new ArrayList<>(), ys = new ArrayList<>();
        int dropped = 0;
        for (int i = 0; i < se.x().length; i++) {
          double x = se.x()[i], y = se.y()[i];
          boolean ok = Double.isFinite(x) && Double.isFinite(y) && (!logX || x > 0) && (!logY || y > 0);
          if (ok) {
            xs.add(x);
            ys.add(y);
          } else {
            dropped++;
          }
        }
        String name = dropped == 0 ? se.name() : se.name() + " (" + dropped + " point(s) not shown)";
        if (xs.isEmpty()) {
          xs.add(logX ? 1.0 : 0.0);
          ys.add(logY ? 1.0 : 0.0);
          name = se.name() + " (no point can be shown)";
        }
        XYSeries x = c.addSeries(name, xs, ys);
        switch (se.style()) {
          case LINE: x.setMarker(SeriesMarkers.NONE); break;
          case DASHED:
            x.setMarker(SeriesMarkers.NONE);
            x.setLineStyle(new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {8f, 6f}, 0f));
            break;
          case MARKERS: x.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter); break;
          default: break;
        }
      }
      return c;
    }
  }

  /** Renders the plot. */
  public static BufferedImage toImage(Plot p) { return BitmapEncoder.getBufferedImage(p.chart()); }

  /** Writes the plot as a PNG file (parent directories created), returns the path. */
  public static Path save(Plot p, Path png) throws IOException {
    if (png.getParent() != null) Files.createDirectories(png.getParent());
    String name = png.toString();
    String base = name.endsWith(".png") ? name.substring(0, name.length() - 4) : name;
    BitmapEncoder.saveBitmap(p.chart(), base, BitmapEncoder.BitmapFormat.PNG);
    return Path.of(base + ".png");
  }
}
