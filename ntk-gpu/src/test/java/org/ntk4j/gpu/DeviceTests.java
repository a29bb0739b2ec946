package org.ntk4j.gpu;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectPackage;

import java.io.PrintWriter;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;
import org.junit.platform.engine.TestExecutionResult;

/**
 * Runs this module's tests without Maven (ntk-gpu/device-check.sh on a GPU machine that may lack Maven): one line per
 * test with its outcome and, for skipped tests, the reason; exit code 1 when any test failed. Run from {@code ntk-gpu/}.
 */
public final class DeviceTests {
  private DeviceTests() {}

  public static void main(String[] args) {
    PrintWriter out = new PrintWriter(System.out, true);
    LauncherDiscoveryRequest req = LauncherDiscoveryRequestBuilder.request().selectors(selectPackage("org.ntk4j.gpu")).build();
    Launcher launcher = LauncherFactory.create();
    SummaryGeneratingListener summary = new SummaryGeneratingListener();
    TestExecutionListener lines = new TestExecutionListener() {
      @Override public void executionSkipped(TestIdentifier t, String reason) {
        if (t.isTest() || t.isContainer()) out.println("SKIPPED " + t.getLegacyReportingName() + ": " + reason);
      }

      @Override public void executionFinished(TestIdentifier t, TestExecutionResult r) {
        if (!t.isTest()) return;
        String why = r.getThrowable().map(e -> ": " + e).orElse("");
        out.println(r.getStatus() + " " + t.getParentIdObject().map(Object::toString).orElse("").replaceAll(".*class:([^\\]]+).*", "$1")
            + "." + t.getDisplayName() + why.replace('\n', ' '));
      }
    };
    launcher.execute(req, summary, lines);
    TestExecutionSummary s = summary.getSummary();
    s.printTo(out);
    s.printFailuresTo(out, 20);
    System.exit(s.getTotalFailureCount() == 0 ? 0 : 1);
  }
}
