package dev.cadenza.operator.testsupport;

import java.lang.management.LockInfo;
import java.lang.management.ManagementFactory;
import java.lang.management.MonitorInfo;
import java.lang.management.ThreadInfo;
import java.util.Arrays;
import java.util.Comparator;
import java.util.concurrent.Callable;

/**
 * What a test that timed out waiting for an operator prints, so that a rare failure on CI can be
 * understood from its log alone: every thread's stack with the locks it holds and waits for, and
 * whatever state the test adds.
 */
public final class Diagnostics {

  private Diagnostics() {}

  /** Every live thread's stack, with the monitors and locks held and waited for. */
  public static String threadDump() {
    StringBuilder out = new StringBuilder("--- thread dump ---\n");
    ThreadInfo[] threads = ManagementFactory.getThreadMXBean().dumpAllThreads(true, true);
    Arrays.sort(threads, Comparator.comparing(ThreadInfo::getThreadName));
    for (ThreadInfo t : threads) {
      out.append('"')
          .append(t.getThreadName())
          .append("\" #")
          .append(t.getThreadId())
          .append(t.isDaemon() ? " daemon" : "")
          .append(' ')
          .append(t.getThreadState());
      if (t.getLockName() != null) {
        out.append(" on ").append(t.getLockName());
      }
      if (t.getLockOwnerName() != null) {
        out.append(" owned by \"").append(t.getLockOwnerName()).append('"');
      }
      if (t.isInNative()) {
        out.append(" (in native)");
      }
      out.append('\n');
      StackTraceElement[] stack = t.getStackTrace();
      for (int i = 0; i < stack.length; i++) {
        out.append("\tat ").append(stack[i]).append('\n');
        for (MonitorInfo m : t.getLockedMonitors()) {
          if (m.getLockedStackDepth() == i) {
            out.append("\t- locked ").append(m).append('\n');
          }
        }
      }
      LockInfo[] synchronizers = t.getLockedSynchronizers();
      if (synchronizers.length > 0) {
        out.append("\tLocked synchronizers: ").append(Arrays.toString(synchronizers)).append('\n');
      }
      out.append('\n');
    }
    return out.toString();
  }

  /** A piece of state for a failure report; its own failure is reported instead. */
  public static String section(String title, Callable<?> state) {
    String text;
    try {
      text = String.valueOf(state.call());
    } catch (Exception | AssertionError e) {
      text = "(could not read: " + e + ")";
    }
    return "--- " + title + " ---\n" + text + "\n";
  }
}
