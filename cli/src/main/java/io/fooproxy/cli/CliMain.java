package io.fooproxy.cli;

public final class CliMain {
    private CliMain() {}

    public static void main(String[] args) {
    }
}
