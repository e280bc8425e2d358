package io.fooproxy.backend.recovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFileWriterTest {

    @TempDir
    Path dir;

    @Test
    void replacesTheContentAndLeavesNoTempFile() throws IOException {
        Path target = dir.resolve("recovery.json");
        AtomicFileWriter.write(target, bytes("first"));
        AtomicFileWriter.write(target, bytes("second"));

        assertThat(target).hasContent("second");
        assertThat(AtomicFileWriter.tempFileFor(target)).doesNotExist();
    }

    @Test
    void createsMissingDirectories() throws IOException {
        Path target = dir.resolve("a").resolve("b").resolve("recovery.json");
        AtomicFileWriter.write(target, bytes("x"));

        assertThat(target).hasContent("x");
    }

    @Test
    void aDirectoryRemovedBetweenWritesIsCreatedAgain() throws IOException {
        Path target = dir.resolve("data").resolve("recovery.json");
        AtomicFileWriter.write(target, bytes("one"));
        Files.delete(target);
        Files.delete(target.getParent());

        AtomicFileWriter.write(target, bytes("two"));

        assertThat(target).hasContent("two");
    }

    @Test
    void aParentThatIsAFileFailsTheWriteAndLeavesNothingBehind() throws IOException {
        Path blocker = dir.resolve("not-a-dir");
        Files.writeString(blocker, "kept");
        Path target = blocker.resolve("recovery.json");

        assertThatThrownBy(() -> AtomicFileWriter.write(target, bytes("x")))
                .isInstanceOf(IOException.class);
        assertThat(blocker).hasContent("kept");
        try (var entries = Files.list(dir)) {
            assertThat(entries).containsExactly(blocker);
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
