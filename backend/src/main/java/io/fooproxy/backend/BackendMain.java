package io.fooproxy.backend;

public final class BackendMain {
    private BackendMain() {}

    public static void main(String[] args) {
    }
}
