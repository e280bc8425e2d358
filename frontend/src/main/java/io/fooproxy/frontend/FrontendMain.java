package io.fooproxy.frontend;

public final class FrontendMain {
    private FrontendMain() {}

    public static void main(String[] args) {
    }
}
