package org.ntk4j.cli;

/** Entry point of the {@code ntk} command line (commands are added in this package). */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    System.out.println("ntk: command line under construction");
  }
}
