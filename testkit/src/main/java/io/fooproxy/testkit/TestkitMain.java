package io.fooproxy.testkit;

public final class TestkitMain {
    private TestkitMain() {}

    public static void main(String[] args) {
    }
}
