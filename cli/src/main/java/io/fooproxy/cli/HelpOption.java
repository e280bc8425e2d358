package io.fooproxy.cli;

import picocli.CommandLine.Option;

/** {@code -help} and {@code --help} on every command. */
final class HelpOption {
    @Option(names = {"-help", "--help"}, usageHelp = true, description = "Print this help and exit")
    boolean help;
}
