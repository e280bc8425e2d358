package io.fooproxy.testkit.load;

/** Hears about a load run as it goes. */
public interface LoadListener {
    LoadListener NONE = new LoadListener() {};

    /** Each answer accepted; called on an event loop thread, so it must be quick and thread-safe. */
    default void onAnswer() {}

    /** Once per second from a timer thread. */
    default void onProgress(LoadProgress progress) {}
}
