package io.fooproxy.testkit;

import io.fooproxy.testkit.cli.TestkitCli;

/**
 * {@code java -jar foo-proxy-testkit.jar (server | client | load) [options]}: the reference Foo
 * server, the checking client and the load generator.
 */
public final class TestkitMain {
    private TestkitMain() {}

    public static void main(String[] args) {
        System.exit(TestkitCli.run(args, System.out, System.err));
    }
}
